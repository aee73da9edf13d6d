"""The AKPK's development needs: the performance-gap rule, each line's competency, priority."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from model.development_needs import line_competencies, performance_gaps, priorities

NAN = np.nan


def test_performance_gap_names_the_component_below_expectation():
    people = pd.DataFrame({
        "skp_rating_last": [4, 3, 2, 3, 5, NAN],
        "skp_work_result_last": [2, 1, NAN, NAN, 3, NAN],
        "skp_behaviour_last": [2, 1, NAN, NAN, 1, NAN],
    }, index=pd.Index(list("abcdef"), name="person_key"))
    gaps = performance_gaps(people)
    assert gaps["perf_gap"].tolist()[:5] == [False, True, True, True, True]
    assert gaps["perf_gap"].isna().tolist() == [False] * 5 + [True]
    assert gaps["perf_gap_parts"].tolist() == ["", "hasil_kerja;perilaku", "predikat",
                                               "predikat", "perilaku", ""]


def test_performance_gap_needs_the_skp_columns():
    with pytest.raises(ValueError, match="skp_behaviour_last"):
        performance_gaps(pd.DataFrame({"skp_rating_last": [4], "skp_work_result_last": [2]}))


def _snap():
    people = pd.DataFrame(index=pd.Index(["p1", "p2"], name="person_key"))
    programs = pd.DataFrame(index=pd.Index(["A", "B", "C"], name="program_id"))
    codes = ["K1", "K2", "K3"]
    assessed = np.array([[1, 3, NAN], [NAN, NAN, NAN]], dtype=np.float32)
    required = np.array([[3, 4, 2], [NAN, NAN, NAN]], dtype=np.float32)
    targets = np.array([[3, 4, 0], [0, 0, 3], [0, 0, 0]], dtype=np.float32)
    names = pd.DataFrame({"name_id": ["Integritas", "Komunikasi", "Digital"],
                          "name_en": ["Integrity", "Communication", "Digital"]},
                         index=pd.Index(codes, name="code"))
    return SimpleNamespace(people=people, programs=programs, comp_codes=codes,
                           assessed=assessed, required=required, targets=targets,
                           competencies=names)


def test_a_line_develops_the_targeted_competency_with_the_largest_gap():
    lines = pd.DataFrame({"person_key": ["p1", "p1", "p2", "p1"],
                          "program_id": ["A", "B", "A", "C"]})
    out = line_competencies(_snap(), lines)
    # p1 in A: K1 gap 2 beats K2 gap 1; B targets only K3, assessed unknown.
    assert out["competency_code"].tolist()[:3] == ["K1", "K3", "K1"]
    assert out.loc[0, ["current_level", "required_level", "competency_gap"]].tolist() == [1, 3, 2]
    assert np.isnan(out.loc[1, "competency_gap"]) and out.loc[1, "required_level"] == 2
    assert out.loc[0, "competency_id"] == "Integritas"
    # C targets nothing: no competency named.
    assert pd.isna(out.loc[3, "competency_code"]) and np.isnan(out.loc[3, "target_level"])


def test_priority_follows_the_documented_rule():
    lines = pd.DataFrame({
        "mandatory": [True, False, False, False, False, False],
        "perf_gap": pd.array([False, True, False, False, pd.NA, False], dtype="boolean"),
        "competency_gap": [0, 0, 2, 1, NAN, 0],
        "jp_shortfall": [0, 0, 0, 0, 20, 0],
    })
    assert priorities(lines).tolist() == [1, 1, 1, 2, 2, 3]
