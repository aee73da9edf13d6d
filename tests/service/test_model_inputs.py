"""What the model reads from the database besides the canonical tables: the exposure log."""

import datetime as dt

from model.quarters import quarter_of
from service.exposure import ExposureLog, Shown
from service.model_inputs import load_exposure
from service.pseudonym import person_key

KEY = b"k" * 32


def test_the_exposure_log_is_read_with_pseudonyms_quarters_and_propensities(db_engine):
    log = ExposureLog(db_engine, KEY)
    log.shown([Shown("198501012010011001", [("P1", 0.9, False, 1.0), ("P2", 0.4, True, 0.05)]),
               Shown("2", [("P3", None, False)])], surface="api", client="hr", model_version="3")
    log.flush()
    frame = load_exposure(db_engine).sort_values("program_id").reset_index(drop=True)
    assert list(frame.columns) == ["person_key", "program_id", "propensity", "quarter"]
    assert frame["person_key"].tolist() == [person_key("198501012010011001", KEY)] * 2 + [
        person_key("2", KEY)]
    assert frame["propensity"].tolist()[:2] == [1.0, 0.05] and frame["propensity"].isna()[2]
    assert set(frame["quarter"]) == {quarter_of(dt.datetime.now(dt.timezone.utc))}
    assert "198501012010011001" not in frame.to_csv()
