"""The planted low-participation groups are real, describable and visibly lower."""

from __future__ import annotations

import pandas as pd
import pytest

from synthetic import generate


def _completions(world) -> pd.DataFrame:
    e = world.tables["enrollments"]
    per = e.groupby("employee_id")["status"].agg(
        enrolled="size", completed=lambda s: (s == "completed").sum())
    return per.reindex(world.tables["employees"]["employee_id"]).fillna(0)


def test_planted_groups_follow_their_rules_over_observable_columns(world, staff):
    planted = world.truth["planted_groups"]
    units = world.truth["units"].set_index("unit")["head_engagement"]
    g1 = staff[staff["unit"].map(units).eq("never") & (staff["employment_type"] != "CPNS")
               ]["employee_id"]
    g2 = staff[(staff["digital_access"] == "poor") & (staff["age"] >= 50)]["employee_id"]
    assert set(planted.loc[planted["group_id"] == "G1", "employee_id"]) == set(g1)
    assert set(planted.loc[planted["group_id"] == "G2", "employee_id"]) == set(g2) - set(g1)


def test_planted_groups_are_a_few_percent_of_the_staff(world, staff):
    share = world.truth["planted_groups"].groupby("group_id").size() / len(staff)
    assert set(share.index) == {"G1", "G2"}
    assert ((share > 0.01) & (share < 0.15)).all(), share


def test_heads_who_never_train_have_no_training_record(world):
    units = world.truth["units"].merge(world.tables["units"], on="unit")
    never = units.loc[units["head_engagement"] == "never", "head_employee_id"]
    assert len(never) == 3
    done = _completions(world).loc[never, "completed"]
    assert done.sum() <= 1


def test_planted_groups_complete_much_less_than_the_rest(world):
    per = _completions(world)
    planted = world.truth["planted_groups"]
    members = per.index.isin(planted["employee_id"])
    assert members.sum() >= 10
    rate_in = per.loc[members, "completed"].mean()
    rate_out = per.loc[~members, "completed"].mean()
    assert rate_in < 0.6 * rate_out, (rate_in, rate_out)
    propensity = world.truth["propensity"].groupby("employee_id")["propensity"].mean()
    inside = propensity.reindex(per.index[members]).mean()
    assert inside < propensity.reindex(per.index[~members]).mean() - 0.1


def test_new_employees_join_during_the_window(staff, world):
    hired = staff["appointment_date"] >= "2024-10-01"
    assert hired.mean() > 0.05  # cold-start users
    assert staff["tenure"].min() >= 0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="years"):
        generate(600, 0, seed=1, end_quarter="2026Q3")
    with pytest.raises(ValueError, match="at least"):
        generate(10, 1, seed=1, end_quarter="2026Q3")
    with pytest.raises(ValueError, match="not a quarter"):
        generate(600, 1, seed=1, end_quarter="2026-Q9")
