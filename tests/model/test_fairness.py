"""Selection rates, the four-fifths rule and calibration by group on hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model.fairness import calibration_by_group, fairness_report, four_fifths, selection_rates


def _groups(n_f: int, n_m: int) -> pd.DataFrame:
    idx = [f"f{i}" for i in range(n_f)] + [f"m{i}" for i in range(n_m)]
    return pd.DataFrame({"sex": ["F"] * n_f + ["M"] * n_m}, index=idx)


def test_selection_rates_and_four_fifths_flag():
    groups = _groups(20, 20)
    # 10 of 20 women and 15 of 20 men get a "digital" program: ratio 0.5 / 0.75 = 0.667.
    rec = pd.DataFrame({"person": [f"f{i}" for i in range(10)] + [f"m{i}" for i in range(15)],
                        "category": "digital"})
    rates = selection_rates(rec, groups)
    got = rates.set_index("group")["rate"]
    assert got["F"] == pytest.approx(0.5) and got["M"] == pytest.approx(0.75)
    judged = four_fifths(rates, 0.8).set_index("group")
    assert judged.loc["F", "ratio"] == pytest.approx(2 / 3)
    assert bool(judged.loc["F", "flagged"]) and not bool(judged.loc["M", "flagged"])
    # 16 of 20 men: 0.5/0.8 still flagged; 13 of 20 women vs 15 of 20 men: 0.867 passes.
    rec2 = pd.DataFrame({"person": [f"f{i}" for i in range(13)] + [f"m{i}" for i in range(15)],
                         "category": "digital"})
    assert not four_fifths(selection_rates(rec2, groups), 0.8)["flagged"].any()


def test_groups_under_ten_people_are_not_evaluated():
    groups = _groups(9, 30)
    rec = pd.DataFrame({"person": ["m0", "m1"], "category": "digital"})
    rates = selection_rates(rec, groups, min_group=10)
    assert set(rates["group"]) == {"M"}
    assert not four_fifths(rates)["flagged"].any()


def test_rates_count_only_eligible_people():
    groups = _groups(20, 20)
    # Only the 10 first women are eligible for latsar and all of them get it; no man is eligible.
    rec = pd.DataFrame({"person": [f"f{i}" for i in range(10)], "category": "latsar"})
    eligible = rec.copy()
    rates = selection_rates(rec, groups, eligible)
    assert rates.to_dict(orient="records") == [
        {"attribute": "sex", "group": "F", "category": "latsar", "n": 10, "rate": 1.0}]
    assert len(selection_rates(rec, groups)) == 2  # without eligibility men count as 0


def test_rare_categories_are_not_judged():
    groups = _groups(50, 50)
    rec = pd.DataFrame({"person": ["f0"], "category": "rare"})
    judged = four_fifths(selection_rates(rec, groups), 0.8, min_rate=0.05)
    assert judged["ratio"].isna().all() and not judged["flagged"].any()


def test_calibration_gap_per_group_and_report():
    groups = _groups(20, 20)
    person = pd.Series([f"f{i}" for i in range(20)] * 2 + [f"m{i}" for i in range(20)] * 2)
    y = np.array([1, 0] * 20 + [1, 0] * 20)
    p = np.array([0.5] * 40 + [0.9] * 40)  # women calibrated, men over-predicted by 0.4
    cal = calibration_by_group(person, y, p, groups).set_index("group")
    assert cal.loc["F", "gap"] == pytest.approx(0.0) and cal.loc["M", "gap"] == pytest.approx(0.4)
    assert cal.loc["M", "people"] == 20 and cal.loc["M", "n"] == 40
    rates = selection_rates(pd.DataFrame({"person": ["f0"], "category": "x"}), groups)
    report = fairness_report(rates, cal.reset_index(), 0.8, 0.0, 0.1)
    assert report["needs_review"]
    assert any(f.startswith("sex=M") for f in report["calibration_flags"])
    assert any("sex=M / x" in f for f in report["selection_flags"])
