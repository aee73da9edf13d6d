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


def test_the_groups_go_through_the_product_risk_workbook(tmp_path):
    from openpyxl import load_workbook

    from benchmarks.risk_groups_oulad import write_report

    people = _students().assign(code_presentation=lambda f: np.where(
        np.arange(len(f)) % 2 == 0, "2014B", "2014J"))
    out = write_report(people, "p_withdraw", tmp_path / "risk.xlsx", threshold=10)
    assert out["groups"] >= 1
    assert [t["quarter"] for t in out["trend"]] == ["2014Q1", "2014Q4"]
    for t in out["trend"]:  # predicted and observed completion of everyone in that quarter
        half = people.iloc[::2] if t["quarter"] == "2014Q1" else people.iloc[1::2]
        assert t["people"] == len(half)
        assert abs(t["predicted"] - (1 - half["p_withdraw"].mean())) < 1e-3
        assert abs(t["actual"] - (1 - half["withdrew"].mean())) < 1e-3
    book = load_workbook(tmp_path / "risk.xlsx")
    assert book.sheetnames == list(out["sheets"])
    groups = book.worksheets[1]
    assert groups.max_row >= 1 + out["groups"]  # a header and one row per group


def test_a_presentation_learns_only_from_presentations_that_had_ended():
    from benchmarks.risk_groups_oulad import ended_before

    courses = pd.DataFrame({
        "code_module": ["AAA", "AAA", "BBB", "BBB", "BBB"],
        "code_presentation": ["2013B", "2013J", "2013B", "2014B", "2014J"],
        "module_presentation_length": ["240", "268", "250", "241", "269"]})
    # 2013B ends in October 2013 (after 2013J's start), 2013J in June 2014, 2014B in September.
    assert ended_before(courses) == {"2013B": [], "2013J": [], "2014B": ["2013B"],
                                     "2014J": ["2013B", "2013J", "2014B"]}
