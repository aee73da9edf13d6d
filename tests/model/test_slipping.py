"""Who is slipping: ranked by risk, with their progress in words and the change since before."""

import numpy as np
import pandas as pd
import pytest

from model.slipping import progress_words, slipping
from model.snapshot import PERSON


def _rows() -> pd.DataFrame:
    return pd.DataFrame({PERSON: ["a", "b", "c"], "offering_id": "O1",
                         "checks_due": [3.0, 3.0, np.nan], "checks_submitted": [1.0, 3.0, np.nan],
                         "cohort_submitted": [0.9, 0.9, np.nan],
                         "handed_in_late": [0.0, 1.0, np.nan],
                         "days_since_handin": [30.0, 2.0, np.nan],
                         "mean_score": [55.0, 80.0, np.nan],
                         "score_vs_cohort": [-15.0, 10.0, np.nan]})


def test_progress_in_bahasa_indonesia_and_english():
    row = _rows().iloc[0]
    assert progress_words(row).startswith(
        "2 dari 3 tugas belum dikumpulkan; kohort mengumpulkan 90%")
    assert "tidak ada pengumpulan selama 30 hari" in progress_words(row)
    assert progress_words(row, "en").startswith(
        "2 of 3 tasks not handed in; the cohort handed in 90%")
    assert progress_words(_rows().iloc[2], "en") == "no task due yet"
    with pytest.raises(ValueError):
        progress_words(row, "fr")


def test_ranked_by_risk_with_the_change_since_the_last_check():
    got = slipping(_rows(), np.array([0.3, 0.9, 0.6]), np.array([0.5, 0.9, np.nan]), "en")
    assert got[PERSON].tolist() == ["a", "c", "b"]
    assert got.loc[0, "change"] == pytest.approx(0.2)     # risk 0.5 -> 0.7: slipping
    assert np.isnan(got.loc[1, "change"])                 # no earlier check
    assert got.loc[2, "factors"].startswith("1 handed in late")
