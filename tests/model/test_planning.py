"""The training plan: exact optimiser, baselines, constraint checks and comparisons."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.planning import (
    PlanConfig, PlanInfeasibleError, PlanInputError, check_plan, compare_plans, gini,
    greedy_by_score, popular_first, solve_plan,
)
from model.planning.instances import random_instance

TOL = 1e-6


def offerings_frame(seats: dict[str, int], program: dict[str, str] | None = None) -> pd.DataFrame:
    program = program or {o: f"P{o}" for o in seats}
    return pd.DataFrame({"offering_id": list(seats), "program_id": [program[o] for o in seats],
                         "seats": list(seats.values()), "start_date": "2025-10-01"})


def candidates_frame(rows: list[tuple], program: dict[str, str] | None = None) -> pd.DataFrame:
    """rows: (person, offering, unit, cost, benefit[, mandatory])."""
    frame = pd.DataFrame([r[:5] for r in rows],
                         columns=["person_key", "offering_id", "unit", "cost_idr",
                                  "expected_benefit"])
    frame["program_id"] = [(program or {}).get(o, f"P{o}") for o in frame["offering_id"]]
    frame["jp"] = 10.0
    frame["p_complete"] = 1.0
    frame["jp_shortfall"] = 0.0
    frame["mandatory"] = [bool(r[5]) if len(r) > 5 else False for r in rows]
    return frame


# ---------------------------------------------------------------- instances known by hand

def test_the_optimum_beats_greedy_where_greedy_is_known_to_lose():
    # Seats: x's favourite A is y's only option; budget: one line of 6 or two lines of 5.
    offerings = offerings_frame({"A": 1, "B": 1, "C": 1, "D": 1})
    candidates = candidates_frame([
        ("x", "A", "u1", 0, 1.0), ("x", "B", "u1", 0, 0.9), ("y", "A", "u2", 0, 0.5),
        ("p", "C", "u1", 6, 1.0), ("q", "D", "u2", 5, 0.6), ("r", "C", "u3", 5, 0.6),
    ])
    config = PlanConfig(budget_idr=10, jp_weight=0)
    best = solve_plan(candidates, offerings, config)
    greedy = greedy_by_score(candidates, offerings, config)
    pairs = set(best.assignments[["person_key", "offering_id"]].itertuples(index=False, name=None))
    assert pairs == {("x", "B"), ("y", "A"), ("q", "D"), ("r", "C")}
    assert best.objective == pytest.approx(0.9 + 0.5 + 0.6 + 0.6)
    assert greedy.objective == pytest.approx(1.0 + 1.0)
    assert best.status == "optimal" and best.gap <= config.mip_rel_gap


def test_mandatory_lines_take_the_seat_before_better_optional_ones():
    offerings = offerings_frame({"L": 1})
    candidates = candidates_frame([("cpns", "L", "u", 0, 0.1, True), ("pns", "L", "u", 0, 0.9)])
    first = PlanConfig(budget_idr=0)
    for plan in (solve_plan(candidates, offerings, first),
                 greedy_by_score(candidates, offerings, first),
                 popular_first(candidates, offerings, first)):
        assert plan.assignments["person_key"].tolist() == ["cpns"]
    free = PlanConfig(budget_idr=0, mandatory_first=False)
    assert solve_plan(candidates, offerings, free).assignments["person_key"].tolist() == ["pns"]
    wrong = candidates[candidates["person_key"] == "pns"]
    assert any("mandatory" in p for p in check_plan(wrong, candidates, offerings, first))


def test_a_budget_share_buys_a_unit_its_line():
    offerings = offerings_frame({"A": 1, "B": 1})
    candidates = candidates_frame([("x", "A", "big", 10, 1.0), ("y", "B", "small", 10, 0.2)])
    config = PlanConfig(budget_idr=10, jp_weight=0, min_unit_share={"small": 0.5})
    plan = solve_plan(candidates, offerings, config)
    assert plan.assignments["person_key"].tolist() == ["y"]
    assert check_plan(plan, candidates, offerings, config) == []


def test_a_share_under_half_a_rupiah_needs_no_line_in_solver_and_checker_alike():
    # Found by the property test: 10% of a 1-rupiah budget with no seats left.
    offerings = offerings_frame({"A": 0})
    candidates = candidates_frame([("x", "A", "U0", 0, 1.0)])
    config = PlanConfig(budget_idr=1, min_unit_share={"U0": 0.1})
    plan = solve_plan(candidates, offerings, config)
    assert plan.assignments.empty
    assert check_plan(plan, candidates, offerings, config) == []


def test_the_jp_term_favours_closing_a_shortfall():
    offerings = offerings_frame({"A": 1})
    candidates = candidates_frame([("done", "A", "u", 0, 0.5), ("short", "A", "u", 0, 0.4)])
    candidates["jp_shortfall"] = [0.0, 20.0]
    assert solve_plan(candidates, offerings, PlanConfig(budget_idr=0, jp_weight=0)
                      ).assignments["person_key"].tolist() == ["done"]
    assert solve_plan(candidates, offerings, PlanConfig(budget_idr=0, jp_weight=0.5)
                      ).assignments["person_key"].tolist() == ["short"]


# ---------------------------------------------------------------- errors

def test_locked_lines_over_the_budget_are_refused_by_every_planner():
    offerings = offerings_frame({"A": 2, "B": 2})
    candidates = candidates_frame([("x", "A", "u", 6, 1.0), ("y", "B", "u", 6, 1.0)])
    config = PlanConfig(budget_idr=10, locked={("x", "A"), ("y", "B")})
    for planner in (solve_plan, greedy_by_score, popular_first):
        with pytest.raises(PlanInfeasibleError, match="over the budget"):
            planner(candidates, offerings, config)


@pytest.mark.parametrize("config, fragment", [
    (PlanConfig(budget_idr=100, locked={("x", "A"), ("y", "A")}), "seats of offering"),
    (PlanConfig(budget_idr=100, locked={("x", "Z")}), "not candidates"),
    (PlanConfig(budget_idr=100, locked={("x", "A")}, excluded_people={"x"}), "also excluded"),
    (PlanConfig(budget_idr=100, min_unit_share={"nowhere": 0.1}), "no candidates"),
    (PlanConfig(budget_idr=100, min_unit_share={"u": 0.9}), "cannot be met"),
])
def test_impossible_settings_name_the_problem(config, fragment):
    offerings = offerings_frame({"A": 1})
    candidates = candidates_frame([("x", "A", "u", 5, 1.0), ("y", "A", "u", 5, 1.0)])
    with pytest.raises(PlanInfeasibleError, match=fragment):
        solve_plan(candidates, offerings, config)


def test_seat_shares_that_locks_rule_out_are_reported_by_the_solver():
    offerings = offerings_frame({"A": 1, "B": 1})
    candidates = candidates_frame([("x", "A", "u", 0, 1.0), ("y", "B", "v", 0, 1.0)])
    config = PlanConfig(budget_idr=0, locked={("x", "A")}, unit_share_of="seats",
                        min_unit_share={"u": 0.6, "v": 0.4})
    with pytest.raises(PlanInfeasibleError, match="min_unit_share"):
        solve_plan(candidates, offerings, config)


@pytest.mark.parametrize("change, fragment", [
    (lambda c: c.drop(columns="jp"), "lacks column"),
    (lambda c: c.assign(p_complete=1.5), "p_complete"),
    (lambda c: c.assign(cost_idr=-1), "cost_idr"),
    (lambda c: c.assign(offering_id="nope"), "absent from offerings"),
    (lambda c: c.assign(program_id="other"), "disagrees"),
    (lambda c: pd.concat([c, c]), "duplicate"),
    (lambda c: c.drop(columns="expected_benefit"), "relevance"),
])
def test_malformed_candidates_name_the_column(change, fragment):
    offerings = offerings_frame({"A": 1})
    candidates = candidates_frame([("x", "A", "u", 5, 1.0)])
    with pytest.raises(PlanInputError, match=fragment):
        solve_plan(change(candidates), offerings, PlanConfig(budget_idr=10))


@pytest.mark.parametrize("kwargs, fragment", [
    ({"budget_idr": -1}, "budget_idr"), ({"budget_idr": 1, "max_per_person": 0}, "max_per"),
    ({"budget_idr": 1, "min_unit_share": {"a": 0.7, "b": 0.7}}, "adds up"),
    ({"budget_idr": 1, "mip_rel_gap": 2}, "mip_rel_gap"),
])
def test_bad_configuration_is_refused(kwargs, fragment):
    with pytest.raises(PlanInputError, match=fragment):
        PlanConfig(**kwargs)


# ---------------------------------------------------------------- check_plan can fail

def test_check_plan_reports_each_broken_rule():
    offerings = offerings_frame({"A": 1, "A2": 1, "B": 1}, {"A": "P", "A2": "P", "B": "Q"})
    candidates = candidates_frame(
        [("x", "A", "u", 6, 1.0), ("x", "A2", "u", 6, 1.0), ("y", "A", "u", 6, 1.0),
         ("y", "B", "u", 6, 1.0)], {"A": "P", "A2": "P", "B": "Q"})
    config = PlanConfig(budget_idr=10, max_per_person=2, locked={("y", "B")},
                        excluded_programs={"P"})
    plan = candidates[candidates["offering_id"].isin(["A", "A2"])]
    problems = " | ".join(check_plan(plan, candidates, offerings, config))
    for fragment in ("exceeds the budget", "2 lines for 1 seats", "2 offerings of program P",
                     "locked line(s) missing", "excluded line(s)"):
        assert fragment in problems
    stray = pd.DataFrame({"person_key": ["z"], "offering_id": ["A"]})
    assert "not candidates" in check_plan(stray, candidates, offerings, config)[0]


# ---------------------------------------------------------------- random small instances

@st.composite
def small_instances(draw, with_extras: bool = True):
    n_people = draw(st.integers(1, 5))
    n_programs = draw(st.integers(1, 3))
    n_offerings = draw(st.integers(n_programs, n_programs + 2))
    program_of = [f"P{k}" for k in range(n_programs)] + [
        f"P{draw(st.integers(0, n_programs - 1))}" for _ in range(n_offerings - n_programs)]
    offer_ids = [f"O{i}" for i in range(n_offerings)]
    seats = {o: draw(st.integers(0, 3)) for o in offer_ids}
    cost = {p: 1000 * draw(st.integers(0, 5)) for p in set(program_of)}
    rows = []
    for i in range(n_people):
        unit = f"U{draw(st.integers(0, 2))}"
        shortfall = float(draw(st.integers(0, 20)))
        duty = {p: draw(st.booleans()) and draw(st.booleans()) for p in set(program_of)}
        for o, p in zip(offer_ids, program_of):
            if draw(st.booleans()):
                rows.append({"person_key": f"E{i}", "offering_id": o, "program_id": p,
                             "unit": unit, "cost_idr": cost[p],
                             "jp": draw(st.sampled_from([0, 8, 24])),
                             "relevance": draw(st.integers(0, 10)) / 10,
                             "p_complete": draw(st.integers(1, 10)) / 10,
                             "jp_shortfall": shortfall, "mandatory": duty[p],
                             "popularity": draw(st.integers(0, 3))})
    if not rows:
        rows.append({"person_key": "E0", "offering_id": offer_ids[0], "program_id": program_of[0],
                     "unit": "U0", "cost_idr": 0, "jp": 8, "relevance": 0.5, "p_complete": 0.5,
                     "jp_shortfall": 8.0, "mandatory": False, "popularity": 1})
    candidates = pd.DataFrame(rows)
    offerings = pd.DataFrame({"offering_id": offer_ids, "program_id": program_of,
                              "seats": [seats[o] for o in offer_ids], "start_date": "2025-10-01"})
    pairs = list(zip(candidates["person_key"], candidates["offering_id"]))
    extras = {}
    if with_extras:
        extras = {
            "locked": set(draw(st.lists(st.sampled_from(pairs), max_size=2))),
            "excluded_people": set(draw(st.lists(
                st.sampled_from(sorted(set(candidates["person_key"]))), max_size=1))),
            "excluded_offerings": set(draw(st.lists(st.sampled_from(offer_ids), max_size=1))),
            "mandatory_first": draw(st.booleans()),
            "jp_weight": draw(st.sampled_from([0.0, 0.5, 2.0])),
            "top_k_per_person": draw(st.sampled_from([0, 1, 10])),
        }
        if draw(st.booleans()):
            extras["unit_share_of"] = draw(st.sampled_from(["budget", "seats"]))
            unit = f"U{draw(st.integers(0, 2))}"
            extras["min_unit_share"] = {unit: draw(st.sampled_from([0.1, 0.3]))}
    budget = draw(st.integers(0, int(candidates["cost_idr"].sum()) + 1))
    config = PlanConfig(budget_idr=budget, max_per_person=draw(st.integers(1, 2)), **extras)
    return candidates, offerings, config


def _lexi(plan) -> tuple[int, float]:
    return plan.mandatory_assigned, plan.objective


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_every_plan_keeps_the_rules_and_the_optimum_is_never_beaten(instance):
    candidates, offerings, config = instance
    try:
        best = solve_plan(candidates, offerings, config)
    except PlanInfeasibleError:
        for planner in (greedy_by_score, popular_first):
            try:
                plan = planner(candidates, offerings, config)
            except PlanInfeasibleError:
                continue  # the same up-front check on locks or shares
            assert config.min_unit_share  # only shares are left for the solver to refute
            if not config.mandatory_first:  # no valid plan exists, so no baseline finds one
                assert check_plan(plan, candidates, offerings, config) != []
        return
    assert check_plan(best, candidates, offerings, config) == []
    assert best.status == "optimal"
    for planner in (greedy_by_score, popular_first):
        plan = planner(candidates, offerings, config)
        problems = check_plan(plan, candidates, offerings, config)
        if config.min_unit_share:  # the baselines fill shares greedily and may fall short
            assert all("share" in p for p in problems), problems
        else:
            assert problems == []
        if problems:
            continue
        slack = TOL + config.mip_rel_gap * abs(best.objective)
        if config.mandatory_first:
            assert best.mandatory_assigned >= plan.mandatory_assigned
            if best.mandatory_assigned == plan.mandatory_assigned:
                assert best.objective >= plan.objective - slack
        else:
            assert best.objective >= plan.objective - slack


def _brute_force(candidates: pd.DataFrame, offerings: pd.DataFrame,
                 config: PlanConfig) -> tuple[int, float]:
    """Best (mandatory lines, score) over every subset of lines, by enumeration."""
    c = candidates.reset_index(drop=True)
    score = c["relevance"] * c["p_complete"] + config.jp_weight * np.minimum(
        c["jp"], c["jp_shortfall"]) / config.jp_duty * c["p_complete"]
    seats = offerings.set_index("offering_id")["seats"]
    best = (-1, -np.inf)
    for bits in itertools.product((0, 1), repeat=len(c)):
        on = c[np.array(bits, dtype=bool)]
        taken = on.groupby("offering_id").size()
        if (on["cost_idr"].sum() > config.budget_idr
                or (taken > seats.reindex(taken.index)).any()
                or (on.groupby("person_key").size() > config.max_per_person).any()
                or on.duplicated(["person_key", "program_id"]).any()):
            continue
        mand = int(on["mandatory"].sum()) if config.mandatory_first else 0
        best = max(best, (mand, float(score[np.array(bits, dtype=bool)].sum())))
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances(with_extras=False), st.booleans())
def test_the_optimum_matches_enumeration_of_every_plan(instance, mandatory_first):
    candidates, offerings, config = instance
    if len(candidates) > 9:
        candidates = candidates.iloc[:9]
    config = PlanConfig(budget_idr=config.budget_idr, max_per_person=config.max_per_person,
                        mandatory_first=mandatory_first, mip_rel_gap=1e-9)
    best = solve_plan(candidates, offerings, config)
    mand, score = _brute_force(candidates, offerings, config)
    if mandatory_first:
        assert best.mandatory_assigned == mand
    assert best.objective == pytest.approx(score, abs=1e-6)


# ---------------------------------------------------------------- time limit and comparison

def test_a_tiny_time_limit_still_returns_a_valid_plan_with_a_gap():
    candidates, offerings = random_instance(n_people=2000, seed=3)
    config = PlanConfig(budget_idr=250_000_000, time_limit_s=0.05)
    plan = solve_plan(candidates, offerings, config)
    assert plan.status in ("time_limit", "optimal")
    assert np.isfinite(plan.gap) and plan.gap >= 0
    assert plan.dual_bound >= plan.objective - TOL
    if plan.status == "time_limit":
        assert len(plan.assignments) > 0
    assert check_plan(plan, candidates, offerings, config) == []


def test_gini_is_zero_when_equal_and_grows_with_concentration():
    assert gini(np.array([3, 3, 3])) == 0
    assert gini(np.array([0, 0, 9])) == pytest.approx(2 / 3)
    assert gini(np.array([0, 1, 2])) < gini(np.array([0, 0, 3]))


def test_compare_plans_counts_what_each_plan_delivers():
    offerings = offerings_frame({"A": 1, "B": 1})
    candidates = candidates_frame([("x", "A", "u1", 4, 0.8), ("y", "B", "u2", 6, 0.3)])
    candidates["p_complete"] = [0.5, 1.0]
    candidates["jp_shortfall"] = [10.0, 20.0]  # x closes it with 10 JP, y cannot
    config = PlanConfig(budget_idr=100, jp_weight=0)
    plans = {"milp": solve_plan(candidates, offerings, config),
             "popular": popular_first(candidates, offerings, config)}
    table = compare_plans(plans, candidates, config, offerings)
    row = table.loc["milp"]
    assert row["lines"] == 2 and row["cost_idr"] == 10
    assert row["expected_completions"] == pytest.approx(1.5)
    assert row["expected_jp"] == pytest.approx(15.0)
    assert row["cost_per_expected_jp"] == pytest.approx(10 / 15)
    assert row["expected_reach_jp_duty"] == pytest.approx(0.5)
    assert row["units_served"] == 2 and row["seat_gini_units"] == 0
    assert bool(row["constraints_ok"])
