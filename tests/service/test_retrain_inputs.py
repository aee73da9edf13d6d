"""What a retrain sees and is keyed on, on hand-made frames."""

from dataclasses import replace

import pandas as pd

from model.config import ModelConfig
from service.retrain_inputs import config_digest, data_fingerprint, frames_until


def _frames() -> dict[str, pd.DataFrame]:
    return {
        "enrollments": pd.DataFrame({
            "person_key": ["a", "b", "c"], "program_id": ["P", "P", "Q"],
            "offering_id": ["o1", "o2", "o3"],
            "date": ["2026-09-30", "2026-10-01", "2027-01-05"], "status": ["completed"] * 3}),
        "offerings": pd.DataFrame({
            "offering_id": ["o1", "o2", "o3", "o4"], "program_id": ["P", "P", "Q", "Q"],
            "start_date": ["2026-08-01", "2026-11-01", "2027-02-01", "2027-04-01"],
            "end_date": ["2026-08-05", "2026-11-05", "2027-02-05", "2027-04-05"]}),
        "competency_assessments": pd.DataFrame({
            "person_key": ["a", "b"], "competency_code": ["K1", "K1"],
            "assessed_on": ["2026-12-31", "2027-01-01"]}),
    }


def test_the_data_ends_with_the_quarter_and_the_catalogue_with_the_next_one():
    cut = frames_until(_frames(), "2026Q4")
    assert list(cut["enrollments"]["offering_id"]) == ["o1", "o2"]
    assert list(cut["offerings"]["offering_id"]) == ["o1", "o2", "o3"]  # 2027Q1 is served
    assert list(cut["competency_assessments"]["person_key"]) == ["a"]


def test_the_fingerprint_ignores_row_order_and_sees_any_changed_value():
    frames = _frames()
    shuffled = {**frames, "enrollments": frames["enrollments"].iloc[::-1]}
    assert data_fingerprint(shuffled) == data_fingerprint(frames)
    changed = {**frames, "enrollments": frames["enrollments"].assign(
        status=["completed", "dropped", "completed"])}
    assert data_fingerprint(changed) != data_fingerprint(frames)


def test_the_config_digest_changes_with_any_setting():
    base = ModelConfig()
    assert config_digest(base) == config_digest(ModelConfig())
    assert config_digest(replace(base, engagement_calibration="crossfit")) != config_digest(base)
