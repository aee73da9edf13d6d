"""People-frame bands and recent training form, on hand-made frames."""

import numpy as np
import pandas as pd

from model.participation import age_band, grade_band, months_band, recent_form


def test_bands_cut_at_their_edges_and_keep_order():
    ages = age_band(pd.Series([29.9, 30.0, 49.99, 50.0]))
    assert list(ages) == ["<30", "30-39", "40-49", "50+"] and ages.ordered
    assert list(grade_band(pd.Series(["III/a", "IV/e", "IX", None]))) == ["III", "IV", "PPPK", np.nan]
    months = months_band(pd.Series([1.0, 2.0, 4.0, 8.0, np.nan]))
    assert list(months) == ["0-5", "6-11", "12-23", "24+", "never"]


def test_recent_form_says_e_learning_majority_form_or_none():
    programs = pd.DataFrame({"form": ["non_klasikal", "klasikal", "non_klasikal"],
                             "delivery": ["e_learning", "pelatihan", "coaching"]},
                            index=["E", "K", "C"])
    history = pd.DataFrame({"person_key": ["a", "a", "b", "b", "b", "c", "d"],
                            "program_id": ["E", "K", "K", "K", "C", "C", "K"],
                            "quarter": ["2025Q1", "2025Q2", "2025Q1", "2025Q2", "2025Q3",
                                        "2025Q1", "2020Q1"]})
    form = recent_form(history, programs, "2025Q4", pd.Index(["a", "b", "c", "d", "e"]))
    assert list(form) == ["e_learning", "klasikal", "non_klasikal", "none", "none"]
