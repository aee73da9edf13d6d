"""Who is slipping: ranked by risk, with their progress in words, the change since the previous
check and the playbook's action; running enrolments and their milestones found by date."""

import numpy as np
import pandas as pd
import pytest

from model.slipping import milestone_dates, progress_words, running_enrolments, slipping
from model.snapshot import PERSON


def _rows() -> pd.DataFrame:
    return pd.DataFrame({PERSON: ["a", "b", "c"], "offering_id": "O1",
                         "checks_due": [3.0, 3.0, np.nan], "checks_submitted": [1.0, 3.0, np.nan],
                         "cohort_submitted": [0.9, 0.9, np.nan],
                         "handed_in_late": [0.0, 1.0, np.nan],
                         "days_since_handin": [30.0, 2.0, np.nan],
                         "mean_score": [55.0, 80.0, np.nan],
                         "score_vs_cohort": [-15.0, 10.0, np.nan], "cohort_size": 12})


def test_progress_in_bahasa_indonesia_and_english():
    row = _rows().iloc[0]
    assert progress_words(row).startswith(
        "2 dari 3 tugas belum dikumpulkan; kohort mengumpulkan 90%")
    assert "tidak ada pengumpulan selama 30 hari" in progress_words(row)
    assert progress_words(row, "en").startswith(
        "2 of 3 tasks not handed in; the cohort handed in 90%")
    assert progress_words(_rows().iloc[1], "en").startswith("3 of 3 tasks handed in")
    assert progress_words(_rows().iloc[2], "en") == "no task due yet"
    with pytest.raises(ValueError):
        progress_words(row, "fr")


def test_a_small_cohort_is_not_described():
    row = _rows().iloc[0].copy()
    row["cohort_size"] = 9
    words = progress_words(row, "en")
    assert words.startswith("2 of 3 tasks not handed in")
    assert "cohort" not in words


def test_ranked_by_risk_with_the_change_since_the_last_check_and_an_action():
    factors = [[("hand_ins", -0.3), ("habit", -0.05)], [("scores", 0.1)], []]
    got = slipping(_rows(), np.array([0.3, 0.9, 0.6]), np.array([0.5, 0.9, np.nan]), factors)
    assert got[PERSON].tolist() == ["a", "c", "b"]
    assert got.loc[0, "change"] == pytest.approx(0.2)     # risk 0.5 -> 0.7: slipping
    assert np.isnan(got.loc[1, "change"])                 # no earlier check
    assert got.loc[2, "factors_en"].startswith("3 of 3 tasks handed in; 1 handed in late")
    assert got.loc[0, "factors_en"].endswith("(training habit)")
    assert got.loc[0, "action_en"].startswith("Contact the participant")
    assert got.loc[0, "action_id"].startswith("Hubungi peserta")
    assert got.loc[2, "action_en"] == ""                  # nothing lowers it


def test_running_enrolments_are_the_unfinished_ones_of_trainings_under_way():
    frames = {
        "offerings": pd.DataFrame({"offering_id": ["O1", "O2", "O3"], "program_id": "P",
                                   "quarter": "2026Q3",
                                   "start_date": pd.to_datetime(["2026-09-01", "2026-06-01",
                                                                 "2026-10-01"]),
                                   "end_date": pd.to_datetime(["2026-10-15", "2026-06-30",
                                                               "2026-10-30"])}),
        "enrollments": pd.DataFrame({PERSON: ["a", "b", "c", "d", "e"], "program_id": "P",
                                     "offering_id": ["O1", "O1", "O2", "O3", "O1"],
                                     "quarter": "2026Q3",
                                     "date": pd.to_datetime("2026-08-20"),
                                     "status": ["registered", "completed", "registered",
                                                "registered", "nominated"]}),
    }
    got = running_enrolments(frames, pd.Timestamp("2026-09-30"))
    assert got[PERSON].tolist() == ["a", "e"]  # b finished early, O2 ended, O3 not started


def test_the_latest_milestone_and_the_one_before_by_the_day():
    checks = pd.DataFrame({"offering_id": ["O1"] * 6 + ["O2"] * 2,
                           "check_date": pd.to_datetime(
                               ["2026-09-05", "2026-09-05", "2026-09-15", "2026-09-15",
                                "2026-10-01", "2026-10-01", "2026-09-10", "2026-09-10"])})
    last, prev = milestone_dates(checks, pd.Series(["O1", "O2", "O3"]), pd.Timestamp("2026-09-30"))
    assert last.tolist()[:2] == [pd.Timestamp("2026-09-15"), pd.Timestamp("2026-09-10")]
    assert prev.tolist()[0] == pd.Timestamp("2026-09-05")
    assert pd.isna(prev.iloc[1]) and pd.isna(last.iloc[2])
