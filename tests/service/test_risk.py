"""Risk groups end to end on a small synthetic world: found, scoped, suppressed, written."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.risk_groups import at_risk_members, score_against_truth
from service.risk import scoped, to_dashboard, write_report

pytestmark = pytest.mark.slow


def test_the_planted_low_participation_groups_are_found(risk_world):
    a = risk_world["analysis"]
    planted = risk_world["planted"] & set(a.people["person_key"])
    found = at_risk_members(a.people, a.groups)
    precision, recall = score_against_truth(found, planted)
    # Small world (800 people, 69 planted): measured precision 0.71, recall 0.88. The 0.8 target
    # is met at full size (6,000 people; benchmarks/risk_groups.py: seeds 7, 11, 23).
    assert recall >= 0.75 and precision >= 0.6, (precision, recall, len(found), len(planted))


def test_planted_people_are_predicted_far_below_the_rest(risk_world):
    people = risk_world["analysis"].people
    planted = people["person_key"].isin(risk_world["planted"])
    assert people.loc[planted, "p_reach"].mean() < people.loc[~planted, "p_reach"].mean() - 0.3


def test_groups_carry_drivers_interventions_and_intervals(risk_world):
    groups, _, summary = scoped(risk_world["analysis"])
    assert len(groups) >= 1
    assert (groups["predicted_low"] <= groups["predicted"]).all()
    assert (groups["predicted"] <= groups["predicted_high"]).all()
    assert (groups["predicted"] < summary["org_predicted"]).all()
    assert groups["interventions_en"].str.len().gt(0).all()
    assert list(groups["people"] * groups["gap"]) == pytest.approx(sorted(
        groups["people"] * groups["gap"], reverse=True))


def test_trend_sets_predicted_beside_actual_for_ended_years(risk_world):
    _, trend, summary = scoped(risk_world["analysis"])
    overall = trend[trend["group"] == "(all)"]
    ended = overall[overall["quarter"].str[:4] < summary["as_of"][:4]]
    assert len(ended) >= 1 and ended["actual"].notna().all()
    assert (ended["predicted"] - ended["actual"]).abs().max() < 0.15


def test_a_unit_head_sees_only_their_units_members(risk_world):
    a = risk_world["analysis"]
    unit = a.people["unit"].value_counts().index[0]
    mine = set(a.people.loc[a.people["unit"] == unit, "person_key"])
    groups, trend, summary = scoped(a, unit)
    for _, g in groups.iterrows():
        assert g["people"] == len(a.members[g["group_id"]] & mine)
    assert summary["people"] == len(mine)
    assert trend["people"].dropna().max() <= len(mine)


def _shown_cells(data: dict) -> list[int]:
    return [g["people"] for g in data["groups"]] + [
        t["people"] for t in data["trend"] if t["people"] is not None]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(threshold=st.integers(10, 80), pick=st.integers(0, 1000), everyone=st.booleans())
def test_no_answer_ever_shows_a_group_under_the_threshold(risk_world, threshold, pick, everyone):
    a = risk_world["analysis"]
    units = sorted(a.people["unit"].unique())
    unit = None if everyone else units[pick % len(units)]
    data = to_dashboard(a, unit, threshold)
    assert all(n >= threshold for n in _shown_cells(data))
    assert data["people"] is None or data["people"] >= threshold
    text = json.dumps(data)
    assert not any(k in text for k in a.people["person_key"].head(200))
    trend = pd.DataFrame(data["trend"])
    for _, q in (trend.groupby("quarter") if len(trend) else []):
        hidden = q["suppressed"].sum()
        assert hidden != 1, "one hidden cell next to a shown total can be subtracted out"


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_reports_hold_no_person_keys_and_no_small_groups(risk_world, tmp_path, fmt):
    from openpyxl import load_workbook

    a = risk_world["analysis"]
    path = write_report(a, tmp_path / f"r.{fmt}", fmt, threshold=10)
    if fmt == "xlsx":
        wb = load_workbook(path)
        text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    else:
        text = path.read_text(encoding="utf-8")
    assert not any(k in text for k in a.people["person_key"])
    if fmt == "csv":
        assert (pd.read_csv(path)["people"] >= 10).all() if path.stat().st_size > 1 else True
