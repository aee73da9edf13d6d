"""Plan drafts: approval writes nominations, decisions and audit together or not at all;
remove/lock then re-solve keeps the edits; the plan sheet is formula-safe."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from model.planning import PlanConfig, check_plan
from service.plans import drafts
from service.plans.creation import champion_context, create_plan
from service.plans.sheets import employee_ids, plan_sheet
from service.pseudonym import load_key
from service.storage.engine import get_engine
from service.storage.schema import CANONICAL, audit_log

ENR, DEC = CANONICAL["enrollments"], CANONICAL["decisions"]


def _counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                     for t in (ENR, DEC, audit_log))


@pytest.fixture
def draft(plan_workspace):
    engine = get_engine()
    recommender, ctx, version = champion_context(engine)
    made = create_plan(engine, load_key(), recommender, ctx, PlanConfig(budget_idr=15_000_000),
                       actor="analyst1", model_version=version)
    return engine, made


@pytest.mark.slow
def test_approval_nominates_every_line_with_decisions_and_audit(draft):
    engine, made = draft
    before = _counts(engine)
    today = dt.date(2026, 10, 1)
    result = drafts.approve(engine, made.plan_id, "analyst1", today=today)
    n = len(made.lines)
    assert n > 5 and result["nominations"] == n
    after = _counts(engine)
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (n, n, n + 1)
    with engine.connect() as conn:
        enr = pd.DataFrame(conn.execute(sa.select(ENR).where(ENR.c.date == today)).mappings())
        dec = pd.DataFrame(conn.execute(sa.select(DEC).where(DEC.c.decided_at == today))
                           .mappings())
    assert set(enr["status"]) == {"nominated"} and set(enr["source"]) == {"recommended"}
    assert set(zip(enr["employee_id"], enr["offering_id"])) == set(
        zip(made.lines["employee_id"], made.lines["offering_id"]))
    assert set(dec["decision"]) == {"accepted"} and set(dec["decided_by"]) == {"analyst1"}
    assert dec["model_version"].notna().all()
    header, lines = drafts.get_plan(engine, made.plan_id)
    assert header["status"] == "approved" and lines["enrollment_id"].notna().all()
    with pytest.raises(drafts.PlanStateError):
        drafts.approve(engine, made.plan_id, "analyst1")
    with pytest.raises(drafts.PlanStateError):
        drafts.edit_line(engine, made.plan_id, int(lines["id"].iloc[0]), "remove", "analyst1")


@pytest.mark.slow
def test_a_clash_leaves_nothing_half_written(draft):
    engine, made = draft
    today = dt.date(2026, 10, 2)
    _, lines = drafts.get_plan(engine, made.plan_id)
    clash = lines.iloc[len(lines) // 2]
    with engine.begin() as conn:  # someone nominated this person for the program today already
        conn.execute(ENR.insert().values(employee_id=clash["employee_id"],
                                         program_id=clash["program_id"], date=today,
                                         status="nominated", source="nominated"))
    before = _counts(engine)
    with pytest.raises(IntegrityError):
        drafts.approve(engine, made.plan_id, "analyst1", today=today)
    assert _counts(engine) == before
    header, after = drafts.get_plan(engine, made.plan_id)
    assert header["status"] == "draft" and after["enrollment_id"].isna().all()
    # Removing the clashing line lets the rest through.
    drafts.edit_line(engine, made.plan_id, int(clash["id"]), "remove", "analyst1")
    assert drafts.approve(engine, made.plan_id, "analyst1", today=today)["nominations"] == \
        len(lines) - 1


@pytest.mark.slow
def test_remove_and_lock_then_resolve_keeps_the_edits(draft):
    engine, made = draft
    _, lines = drafts.get_plan(engine, made.plan_id)
    gone, kept = lines.iloc[0], lines.iloc[-1]
    drafts.edit_line(engine, made.plan_id, int(gone["id"]), "remove", "analyst1")
    drafts.edit_line(engine, made.plan_id, int(kept["id"]), "lock", "analyst1")
    with pytest.raises(ValueError):
        drafts.edit_line(engine, made.plan_id, int(kept["id"]), "delete", "analyst1")
    outcome = drafts.resolve(engine, made.plan_id, "analyst1",
                             employee_ids(engine, load_key()))
    _, after = drafts.get_plan(engine, made.plan_id)
    live = after[after["state"] != "removed"]
    pair = (gone["person_key"], gone["offering_id"])
    assert pair not in set(zip(live["person_key"], live["offering_id"]))
    assert after.loc[after["state"] == "removed", "id"].tolist() == [gone["id"]]
    locked = live[live["state"] == "locked"]
    assert list(zip(locked["person_key"], locked["offering_id"])) == [
        (kept["person_key"], kept["offering_id"])]
    assert live["reason_id"].str.len().gt(0).all()
    candidates, offerings, settings = drafts.plan_inputs(engine, made.plan_id)
    config = PlanConfig(**settings, locked={(kept["person_key"], kept["offering_id"])})
    usable = candidates[[p != pair for p in zip(candidates["person_key"],
                                                candidates["offering_id"])]]
    assert check_plan(live, usable, offerings, config) == []
    assert outcome.plan.status in ("optimal", "time_limit") and live["cost_idr"].sum() <= 15e6


def test_plan_sheet_escapes_formulas_and_drops_removed_lines():
    lines = pd.DataFrame({
        "employee_id": ["1", "2"], "person_key": ["a", "b"], "unit": ["=HYPERLINK(1)", "U"],
        "offering_id": ["O1", "O2"], "program_id": ["P1", "P2"],
        "start_date": [dt.date(2026, 10, 5), dt.date(2026, 11, 5)], "cost_idr": [1.0, 2.0],
        "jp": [8.0, 8.0], "expected_benefit": [0.1, 0.2], "p_complete": [0.5, 0.5],
        "mandatory": [False, False], "reason_id": ["+alasan", "x"], "reason_en": ["-why", "y"],
        "state": ["locked", "removed"]})
    sheet = plan_sheet(lines, pd.Series({"P1": "@judul"}), "en")
    assert len(sheet) == 1
    row = sheet.iloc[0]
    assert (row["unit"], row["title"], row["reason"]) == ("'=HYPERLINK(1)", "'@judul", "'-why")
    assert bool(row["locked"]) and row["start_date"] == "2026-10-05"
    with pytest.raises(ValueError):
        plan_sheet(lines, None, "fr")
