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


def test_a_past_year_is_predicted_by_a_model_that_never_saw_its_outcomes(recommender, frames,
                                                                          as_of):
    from model.participation import duty_model_before, trend_history
    from model.snapshot import conform

    history = trend_history(recommender, frames, as_of, quarters=8)
    year = "2025"
    past = history[history["quarter"].str.startswith(year)]
    assert len(past) and past["actual"].notna().all()
    duty = duty_model_before(recommender, frames, year)
    q = past["quarter"].iloc[0]
    ctx = recommender.context(frames, q)
    rows = past[past["quarter"] == q]
    expected = duty.predict_proba(ctx.people.loc[rows["person_key"]])
    np.testing.assert_allclose(rows["predicted"].to_numpy(), expected)
    # The serving model learned from 2025's outcomes: its "prediction" of 2025 is another one.
    serving = recommender.duty_.predict_proba(ctx.people.loc[rows["person_key"]])
    assert np.abs(serving - expected).max() > 0.01

    # Rewriting every outcome of 2025 and later does not move the model for 2025.
    f = conform(frames)
    enr = f["enrollments"].copy()
    later = enr["quarter"] >= f"{year}Q1"
    enr.loc[later, "status"] = "dropped"
    enr.loc[later, "jp_earned"] = 0.0
    rewritten = duty_model_before(recommender, {**f, "enrollments": enr}, year)
    np.testing.assert_allclose(rewritten.predict_proba(ctx.people.loc[rows["person_key"]]),
                               expected)


def test_a_year_with_no_earlier_year_to_learn_from_is_left_out(recommender, frames, as_of):
    from model.participation import trend_history

    first_year = min(frames["enrollments"]["quarter"].dropna())[:4]
    history = trend_history(recommender, frames, as_of, quarters=12)
    in_sample = trend_history(recommender, frames, as_of, quarters=12, out_of_time=False)
    # The data's first year has no year before it: it has an in-sample row but no forecast.
    assert in_sample["quarter"].str.startswith(first_year).any()
    assert not history["quarter"].str.startswith(first_year).any()
    assert set(history["quarter"]) == {q for q in in_sample["quarter"]
                                       if not q.startswith(first_year)}
    assert history["actual"].notna().any()
