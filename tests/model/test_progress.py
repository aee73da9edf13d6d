"""Early progress reads only checks due by the cutoff; running trainings have no outcome yet."""

import numpy as np
import pandas as pd

from model.progress import first_check_dates, mask_running, progress_features
from model.snapshot import PERSON, conform


def _checks() -> pd.DataFrame:
    return pd.DataFrame({
        PERSON: ["a", "a", "b", "b", "c"],
        "offering_id": ["O1"] * 5,
        "milestone": ["m1", "m2", "m1", "m2", "m1"],
        "check_date": pd.to_datetime(["2025-01-10", "2025-02-10"] * 2 + ["2025-01-10"]),
        "submitted": [True, True, False, True, True],
        "score": [80.0, 10.0, np.nan, 90.0, 60.0],
    })


def test_checks_after_the_cutoff_are_ignored():
    checks = _checks()
    cutoff = first_check_dates(checks)["O1"]
    assert cutoff == pd.Timestamp("2025-01-10")
    pairs = pd.DataFrame({PERSON: ["a", "b", "c", "d"], "offering_id": "O1", "cutoff": cutoff})
    got = progress_features(checks, pairs)
    assert got["checks_due"].tolist()[:3] == [1.0, 1.0, 1.0] and np.isnan(got["checks_due"][3])
    assert got["share_submitted"].tolist()[:3] == [1.0, 0.0, 1.0]
    assert got["mean_score"][0] == 80.0 and np.isnan(got["mean_score"][1])
    assert got["score_vs_cohort"][0] == 10.0  # 80 against the cohort's (80 + 60) / 2
    later = checks.copy()
    later.loc[later["milestone"] == "m2", ["submitted", "score"]] = [False, np.nan]
    pd.testing.assert_frame_equal(progress_features(later, pairs), got)


def test_a_late_cutoff_sees_more_checks():
    pairs = pd.DataFrame({PERSON: ["b"], "offering_id": "O1", "cutoff": pd.Timestamp("2025-03-01")})
    got = progress_features(_checks(), pairs)
    assert got["checks_due"][0] == 2.0 and got["share_submitted"][0] == 0.5


def test_mask_running_hides_outcomes_of_offerings_not_ended():
    frames = {
        "offerings": pd.DataFrame({"offering_id": ["long", "short", "now"],
                                   "program_id": ["P1", "P2", "P3"],
                                   "start_date": ["2024-10-01", "2024-10-01", "2025-01-15"],
                                   "end_date": ["2025-06-30", "2024-11-30", "2025-03-01"]}),
        "enrollments": pd.DataFrame({PERSON: ["a", "a", "a"], "program_id": ["P1", "P2", "P3"],
                                     "offering_id": ["long", "short", "now"],
                                     "date": ["2024-09-01", "2024-09-01", "2024-12-01"],
                                     "status": ["dropped", "completed", "completed"],
                                     "jp_earned": [0, 20, 30]}),
    }
    masked = mask_running(frames, "2025Q1")["enrollments"].set_index("offering_id")
    assert masked.loc["long", "status"] == "registered"
    assert masked.loc["short", "status"] == "completed"
    assert masked.loc["now", "status"] == "completed"  # the quarter's own label stays
    original = conform(frames)["enrollments"].set_index("offering_id")
    assert original.loc["long", "status"] == "dropped"


def test_hand_ins_by_the_cutoff_count_also_work_due_later_but_never_its_score():
    checks = _checks().assign(submitted_on=pd.to_datetime(
        ["2025-01-05", "2025-01-08", None, "2025-02-20", "2025-01-10"]))
    cutoff = first_check_dates(checks)["O1"]
    pairs = pd.DataFrame({PERSON: ["a", "b", "c", "d"], "offering_id": "O1", "cutoff": cutoff})
    got = progress_features(checks, pairs)
    # a handed in m1 five days early and m2 (due later) already; b's m2 came after the cutoff;
    # d, in an offering that records hand-ins, handed in nothing
    assert got["handed_in"].tolist() == [2.0, 0.0, 1.0, 0.0]
    assert got["days_ahead"][0] == (5 + 33) / 2 and np.isnan(got["days_ahead"][1])
    assert got["handed_in_vs_cohort"][0] == 2.0 - 3.0 / 4
    later = checks.copy()
    later.loc[later["milestone"] == "m2", "score"] = 1.0
    later.loc[(later[PERSON] == "b") & (later["milestone"] == "m2"), "submitted_on"] = (
        pd.Timestamp("2025-03-01"))
    pd.testing.assert_frame_equal(progress_features(later, pairs), got)


def test_without_hand_in_dates_the_hand_in_signals_are_missing():
    pairs = pd.DataFrame({PERSON: ["a"], "offering_id": "O1", "cutoff": pd.Timestamp("2025-01-10")})
    got = progress_features(_checks(), pairs)
    assert got[["handed_in", "handed_in_vs_cohort", "days_ahead"]].isna().all().all()
