"""Risk groups: planted low-participation groups are found, described and scored honestly."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.group_stats import wilson_interval
from model.risk_groups import (
    at_risk_members,
    discover_groups,
    group_members,
    score_against_truth,
)

AGES = ["<30", "30-39", "40-49", "50-54", "55+"]


def make_people(n: int = 900, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "person_key": [f"k{i:05d}" for i in range(n)],
        "unit": rng.choice(list("ABCDEFGH"), n),
        "job_kind": rng.choice(["pelaksana", "pengawas", "ahli_pertama", "terampil"], n),
        "age_band": pd.Categorical(rng.choice(AGES, n), categories=AGES, ordered=True),
        "sex": rng.choice(["M", "F"], n),
        "head_participates": rng.choice([True, False], n),
        "digital_access": rng.choice(["good", "limited", "poor"], n),
    })


def plant(people: pd.DataFrame, low: pd.Series, drop: float = 0.3, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 1)
    p = np.clip(0.75 + rng.normal(0, 0.08, len(people)) - drop * low, 0, 1)
    return people.assign(p_reach=p, reached=(rng.random(len(people)) < p).astype(int))


def test_a_planted_two_attribute_group_is_found_with_its_rule():
    people = make_people()
    low = (people.job_kind == "pelaksana") & people.age_band.isin(["50-54", "55+"])
    people = plant(people, low)
    groups = discover_groups(people, actual_col="reached")
    precision, recall = score_against_truth(at_risk_members(people, groups),
                                            people.person_key[low])
    assert precision >= 0.8 and recall >= 0.8, (precision, recall)
    top = groups.iloc[0]
    assert "job kind = pelaksana" in top.rule_en and "age band" in top.rule_en
    assert "jenis jabatan = pelaksana" in top.rule_id and " DAN " in top.rule_id
    assert top.predicted_high < top.org_predicted and top.gap > 0.05


def test_a_group_spread_over_two_units_is_merged_into_one_rule():
    people = make_people(seed=3)
    low = people.unit.isin(["A", "B"]) & ~people.head_participates
    people = plant(people, low, seed=3)
    merged = discover_groups(people)
    split = discover_groups(people, merge=False)
    assert len(merged) < len(split)
    precision, recall = score_against_truth(at_risk_members(people, merged),
                                            people.person_key[low])
    assert precision >= 0.8 and recall >= 0.8, (precision, recall)
    assert any("unit in {A, B}" in r for r in merged.rule_en), list(merged.rule_en)
    assert at_risk_members(people, merged) == at_risk_members(people, split)


def test_no_group_is_reported_when_nobody_is_low():
    people = make_people(seed=5)
    people = plant(people, pd.Series(False, index=people.index), seed=5)
    assert discover_groups(people).empty


def test_reported_figures_match_the_members_the_rule_selects():
    people = make_people(seed=7)
    low = people.digital_access == "poor"
    people = plant(people, low, seed=7)
    groups = discover_groups(people, actual_col="reached")
    members = group_members(people, groups)
    assert not groups.empty
    for _, g in groups.iterrows():
        rows = people[people.person_key.isin(members[g.group_id])]
        assert len(rows) == g.people
        assert rows.p_reach.mean() == pytest.approx(g.predicted)
        assert rows.reached.mean() == pytest.approx(g.actual)
        assert g.actual_low <= g.actual <= g.actual_high
    assert "person_key" not in groups.columns


def test_bootstrap_and_normal_intervals_agree_on_a_large_group():
    people = make_people(seed=11)
    people = plant(people, people.digital_access == "poor", seed=11)
    normal = discover_groups(people).iloc[0]
    boot = discover_groups(people, ci_method="bootstrap", n_boot=500).iloc[0]
    assert boot.predicted_low <= boot.predicted <= boot.predicted_high
    assert boot.predicted_low == pytest.approx(normal.predicted_low, abs=0.01)


def test_wilson_interval_matches_the_textbook_value():
    low, high = wilson_interval(5, 10)
    assert (low, high) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson_interval(0, 20)[0] == 0.0


def test_score_against_truth_counts_people():
    assert score_against_truth({"a", "b", "c", "d"}, {"a", "b", "e"}) == (0.5, 2 / 3)
    assert score_against_truth(set(), {"a"}) == (0.0, 0.0)
    with pytest.raises(ValueError, match="planted_members is empty"):
        score_against_truth({"a"}, [])


@pytest.mark.parametrize("change, fragment", [
    (lambda df: df.drop(columns="p_reach"), "no prediction column 'p_reach'"),
    (lambda df: df.assign(p_reach=np.nan), "numeric and finite"),
    (lambda df: pd.concat([df, df.head(1)]), "duplicate person_key"),
    (lambda df: df.assign(reached=2), "must be 0/1"),
])
def test_bad_people_frames_are_named(change, fragment):
    people = plant(make_people(60), pd.Series(False, index=range(60)))
    with pytest.raises(ValueError, match=fragment):
        discover_groups(change(people), actual_col="reached")
    with pytest.raises(ValueError, match="lacks attribute columns"):
        discover_groups(people, attributes=["unit", "grade_band"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), min_size=st.integers(5, 40), n=st.integers(40, 300))
def test_no_reported_group_is_smaller_than_min_size(seed, min_size, n):
    people = make_people(n, seed)
    rng = np.random.default_rng(seed)
    people["p_reach"] = rng.random(n) * np.where(people.unit.isin(["A", "C"]), 0.5, 1.0)
    groups = discover_groups(people, min_size=min_size, margin=0.0)
    members = group_members(people, groups)
    assert all(len(m) >= min_size for m in members.values())
    assert (groups.people >= min_size).all()
