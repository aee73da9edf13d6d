"""Enrolments as of a checkpoint read nothing dated after it, and one engine predicts every
horizon from them."""

import numpy as np
import pandas as pd
import pytest

from model.checkpoints import CHECKPOINT_FEATURES, HORIZONS, at_checkpoint, cutoffs, day_of, stack_checkpoints
from model.engagement import CheckpointModel
from model.features import CATEGORICAL
from model.snapshot import PERSON

STARTS = pd.Series(pd.to_datetime(["2025-01-01"]), index=["O1"])


def _checks(n_people: int = 60, seed: int = 0) -> pd.DataFrame:
    """Three checks (days 10, 40, 80) for ``n_people``; odd people stop handing in after the first."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_people):
        for day in (10, 40, 80):
            handed = day == 10 or i % 2 == 0
            rows.append({PERSON: f"p{i}", "offering_id": "O1", "milestone": f"m{day}",
                         "check_date": pd.Timestamp("2025-01-01") + pd.Timedelta(days=day),
                         "submitted": handed, "score": float(rng.integers(40, 100)) if handed
                         else np.nan,
                         "submitted_on": (pd.Timestamp("2025-01-01") + pd.Timedelta(days=day - 2))
                         if handed else pd.NaT})
    return pd.DataFrame(rows)


def _rows(n_people: int = 60) -> pd.DataFrame:
    """Enrolments at the start: only age is known of them besides the program and unit."""
    rows = pd.DataFrame({PERSON: [f"p{i}" for i in range(n_people)], "offering_id": "O1",
                         "program_id": "P1", "quarter": "2025Q1",
                         "age": np.arange(n_people) % 7 + 30.0,
                         "completed": [1 - i % 2 for i in range(n_people)]})
    for col in CheckpointModel().features:
        if col not in rows and col not in CHECKPOINT_FEATURES:
            rows[col] = "u1" if col in CATEGORICAL else np.nan
    return rows


def test_cutoffs_of_each_checkpoint():
    ids = pd.Series(["O1", "O1"])
    checks = _checks(2)
    assert cutoffs(ids, STARTS, checks, "prestart")[0] == pd.Timestamp("2024-12-31")
    assert cutoffs(ids, STARTS, checks, "early")[0] == pd.Timestamp("2025-01-11")
    assert cutoffs(ids, STARTS, checks, "day30")[0] == pd.Timestamp("2025-01-31")
    assert cutoffs(ids, STARTS, checks, 30)[0] == pd.Timestamp("2025-01-31")
    assert cutoffs(ids, STARTS, checks, pd.Timestamp("2025-02-14"))[1] == pd.Timestamp("2025-02-14")
    assert day_of("day90") == 90 and day_of("early") is None
    with pytest.raises(ValueError):
        cutoffs(ids, STARTS, checks, "someday")


def test_nothing_after_the_checkpoint_is_read():
    checks, rows = _checks(), _rows()
    got = at_checkpoint(rows, checks, STARTS, "day30")
    later = checks.copy()
    after = later["check_date"] > pd.Timestamp("2025-01-31")
    later.loc[after, ["submitted", "score", "submitted_on"]] = [True, 1.0, pd.Timestamp("2025-03-01")]
    pd.testing.assert_frame_equal(at_checkpoint(rows, later, STARTS, "day30"), got)
    # ... while a checkpoint after those checks sees them
    assert not at_checkpoint(rows, later, STARTS, "day90").equals(
        at_checkpoint(rows, checks, STARTS, "day90"))


def test_the_progress_known_grows_with_the_checkpoint():
    stacked = stack_checkpoints(_rows(), _checks(), STARTS)
    assert list(stacked["checkpoint"].unique()) == list(HORIZONS)
    due = stacked.groupby("checkpoint", sort=False)["checks_due"].mean()
    assert np.isnan(due["prestart"]) and due["early"] == 1 and due["day60"] == 2
    assert due["day90"] == 3
    assert stacked.groupby("checkpoint", sort=False)["days_in"].first().tolist() == [
        -1.0, 10.0, 30.0, 60.0, 90.0]
    odd = stacked[(stacked[PERSON] == "p1") & (stacked["checkpoint"] == "day90")].iloc[0]
    assert odd["checks_missed"] == 2 and odd["days_since_handin"] == 82
    assert odd["share_vs_cohort"] == pytest.approx(1 / 3 - 2 / 3)


def test_one_engine_predicts_every_horizon_and_ignores_what_came_later():
    examples = stack_checkpoints(_rows(), _checks(), STARTS)
    engine = CheckpointModel(max_iter=20).fit(examples)
    rows = _rows().drop(columns="completed")
    today = at_checkpoint(rows, _checks(), STARTS, "day60")
    p = engine.predict_proba(today)
    # the odd people stopped handing in: lower P(completes) once it shows
    assert p[1::2].mean() < p[0::2].mean() - 0.2
    prestart = engine.predict_proba(at_checkpoint(rows, _checks(), STARTS, "prestart"))
    assert np.ptp(prestart) < np.ptp(p)
    later = _checks()
    later.loc[later["check_date"] > pd.Timestamp("2025-03-02"), "submitted"] = False
    again = engine.predict_proba(at_checkpoint(rows, later, STARTS, "day60"))
    np.testing.assert_array_equal(again, p)
