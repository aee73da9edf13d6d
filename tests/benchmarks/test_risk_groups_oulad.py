"""OULAD risk-group check: a well-predicted high-withdrawal group is found and agrees."""

import numpy as np
import pandas as pd

from benchmarks.risk_groups_oulad import ATTRIBUTES, groups_against_outcomes


def _students(n: int = 3000, shift: float = 0.0, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    people = pd.DataFrame({a: rng.choice(["a", "b", "c"], n) for a in ATTRIBUTES})
    people["person_key"] = [f"s{i}" for i in range(n)]
    risky = (people["imd_band"] == "a") & (people["highest_education"] == "a")
    p = np.where(risky, 0.6, 0.25)
    people["withdrew"] = (rng.random(n) < p + shift).astype(int)
    people["p_withdraw"] = p
    return people


def test_a_well_predicted_group_is_found_and_agrees():
    result = groups_against_outcomes(_students(), "p_withdraw")
    assert result["groups"] >= 1 and result["agreeing"] == result["groups"]
    assert "imd_band" in result["detail"][0]["rule"] or "IMD" in result["detail"][0]["rule"]


def test_a_cohort_wide_shift_breaks_absolute_but_not_excess_agreement():
    result = groups_against_outcomes(_students(shift=0.15), "p_withdraw")
    assert result["groups"] >= 1
    assert result["agreeing"] < result["groups"]
    assert result["excess_agreeing"] == result["groups"]
