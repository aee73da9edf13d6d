"""Plan drafts in the database: save, read, edit (remove/lock), re-solve and approve.

A draft keeps the settings and the candidate lines it was solved from, so HR can remove or lock
lines and solve again with the same inputs: removed lines never come back, locked lines stay.
Approval turns every line still in the plan into a nomination (``enrollments``, status
``nominated``, source ``recommended``), a ``decisions`` row (``accepted``, who decided, model
version) and an audit entry, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import uuid
from dataclasses import asdict
from typing import Callable

import pandas as pd
import sqlalchemy as sa

from model.planning import PlanConfig
from service import audit
from service.plans.building import PlanOutcome, make_plan, plain_reasons
from service.plans.sheets import LINE_COLUMNS, plan_lines_frame
from service.storage.schema import CANONICAL, plan_lines, plans

DRAFT, APPROVED = "draft", "approved"
BUILDING, FAILED = "building", "failed"  # a plan built in the background (``builds``)
ACTIONS = ("remove", "lock", "unlock")
Reasoner = Callable[[pd.DataFrame], pd.DataFrame]
_SOLVER_ONLY = ("locked",)


class PlanNotFoundError(LookupError):
    """No plan (or line) with that id."""


class PlanStateError(ValueError):
    """The plan or line is not in a state that allows the change (e.g. already approved)."""


def new_plan_id() -> str:
    """A new plan id (12 hex digits)."""
    return uuid.uuid4().hex[:12]


def state_message(plan_id: str, status: str) -> str:
    """Why a plan in ``status`` cannot change."""
    if status == BUILDING:
        return f"plan {plan_id!r} is still building; wait until its status is draft"
    return f"plan {plan_id!r} is {status}; only drafts can change"


def _pack(frame: pd.DataFrame) -> bytes:
    return gzip.compress(frame.to_csv(index=False).encode("utf-8"))


def _unpack(blob: bytes) -> pd.DataFrame:
    frame = pd.read_csv(io.BytesIO(gzip.decompress(blob)), dtype={
        "person_key": str, "offering_id": str, "program_id": str, "unit": str})
    frame["mandatory"] = frame["mandatory"].astype(bool)
    return frame


def settings_of(config: PlanConfig) -> dict:
    """The configuration as JSON-ready settings (locks live on the lines instead)."""
    out = asdict(config)
    for name in _SOLVER_ONLY:
        out.pop(name)
    return {k: sorted(v) if isinstance(v, frozenset) else v for k, v in out.items()}


def config_of(settings: dict, locked: set[tuple[str, str]]) -> PlanConfig:
    """A PlanConfig from stored settings and the locked pairs."""
    return PlanConfig(**{**settings, "locked": frozenset(locked)})


def _summary(outcome: PlanOutcome) -> str:
    plan = outcome.plan
    return json.dumps({
        "status": plan.status, "gap": plan.gap, "objective": plan.objective,
        "solve_time_s": plan.solve_time_s, "message": plan.message,
        "n_candidates": plan.n_candidates,
        "comparison": json.loads(outcome.comparison.to_json(orient="index")),
    }, default=str)


def _line_records(lines: pd.DataFrame, plan_id: str) -> list[dict]:
    frame = lines[LINE_COLUMNS].astype(object).where(lines[LINE_COLUMNS].notna(), None)
    return [{**r, "plan_id": plan_id, "mandatory": bool(r["mandatory"])}
            for r in frame.to_dict("records")]


def save_draft(engine: sa.Engine, *, quarter: str, config: PlanConfig, candidates: pd.DataFrame,
               offerings: pd.DataFrame, outcome: PlanOutcome, lines: pd.DataFrame, actor: str,
               model_version: str | None, plan_id: str | None = None) -> str:
    """Store a draft with its lines; return its plan_id.

    Args:
        plan_id: a plan still ``building`` to turn into this draft; None stores a new plan.
    """
    offers = offerings.assign(start_date=offerings["start_date"].astype(str))
    values = dict(quarter=quarter, status=DRAFT, budget_idr=float(config.budget_idr),
                  settings=json.dumps(settings_of(config)), candidates=_pack(candidates),
                  offerings=offers.to_json(orient="records"), summary=_summary(outcome),
                  model_version=model_version, solved_at=dt.datetime.now(dt.UTC))
    with engine.begin() as conn:
        if plan_id is None:
            plan_id = new_plan_id()
            conn.execute(plans.insert().values(plan_id=plan_id, created_by=actor, **values))
        elif conn.execute(plans.update().where(plans.c.plan_id == plan_id,
                                               plans.c.status == BUILDING)
                          .values(**values)).rowcount != 1:
            raise PlanStateError(f"plan {plan_id!r} is no longer building")
        if len(lines):
            conn.execute(plan_lines.insert(), _line_records(lines, plan_id))
        audit.record(conn, actor, "plan_create", "plan", plan_id,
                     {"quarter": quarter, "budget_idr": config.budget_idr, "lines": len(lines),
                      "model_version": model_version})
    return plan_id


def get_plan(engine: sa.Engine, plan_id: str, unit: str | None = None,
             all_units: bool = True) -> tuple[dict, pd.DataFrame]:
    """The plan's header and its lines (only ``unit``'s lines when ``all_units`` is False)."""
    with engine.connect() as conn:
        head = conn.execute(sa.select(plans).where(plans.c.plan_id == plan_id)).mappings().first()
        if head is None:
            raise PlanNotFoundError(f"plan {plan_id!r} not found")
        query = sa.select(plan_lines).where(plan_lines.c.plan_id == plan_id)
        if not all_units:
            query = query.where(plan_lines.c.unit == unit)
        rows = conn.execute(query.order_by(plan_lines.c.id)).mappings().all()
    header = {k: v for k, v in head.items() if k not in ("candidates", "offerings")}
    header["settings"] = json.loads(header["settings"])
    header["summary"] = json.loads(header["summary"]) if header["summary"] else None
    return header, pd.DataFrame([dict(r) for r in rows],
                                columns=["id", "plan_id", *LINE_COLUMNS, "enrollment_id"])


def plan_inputs(engine: sa.Engine, plan_id: str) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The candidates, offerings and settings a draft was solved from (to check or compare)."""
    with engine.connect() as conn:
        head = conn.execute(sa.select(plans).where(plans.c.plan_id == plan_id)).mappings().first()
    if head is None:
        raise PlanNotFoundError(f"plan {plan_id!r} not found")
    offerings = pd.read_json(io.StringIO(head["offerings"]), orient="records",
                             dtype={"offering_id": str, "program_id": str})
    return _unpack(head["candidates"]), offerings, json.loads(head["settings"])


def list_plans(engine: sa.Engine, limit: int = 50) -> list[dict]:
    """Newest plans first (header fields only)."""
    cols = [plans.c[c] for c in ("plan_id", "quarter", "status", "budget_idr", "model_version",
                                 "created_by", "created_at", "approved_by", "approved_at")]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols).order_by(plans.c.created_at.desc()).limit(limit))
        return [dict(r) for r in rows.mappings()]


def _claim_draft(conn: sa.Connection, plan_id: str, **values) -> None:
    """Update a draft's header, or raise when it is missing or no longer a draft."""
    # Writing the status even when nothing else changes takes the row's write lock.
    done = conn.execute(plans.update().where(plans.c.plan_id == plan_id,
                                             plans.c.status == DRAFT)
                        .values(**({"status": DRAFT} | values)))
    if done.rowcount == 1:
        return
    exists = conn.execute(sa.select(plans.c.status).where(plans.c.plan_id == plan_id)).first()
    if exists is None:
        raise PlanNotFoundError(f"plan {plan_id!r} not found")
    raise PlanStateError(state_message(plan_id, exists[0]))


def edit_line(engine: sa.Engine, plan_id: str, line_id: int, action: str, actor: str) -> dict:
    """Remove, lock or unlock one line of a draft; return the updated line.

    ``remove`` takes the line out of the plan and out of every re-solve of this draft; ``lock``
    keeps it in every re-solve (a removed line can be locked back in); ``unlock`` frees it.
    """
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {ACTIONS}, got {action!r}")
    state = {"remove": "removed", "lock": "locked", "unlock": "proposed"}[action]
    with engine.begin() as conn:
        _claim_draft(conn, plan_id)
        row = conn.execute(sa.select(plan_lines).where(
            plan_lines.c.plan_id == plan_id, plan_lines.c.id == line_id)).mappings().first()
        if row is None:
            raise PlanNotFoundError(f"line {line_id} is not in plan {plan_id!r}")
        if action == "unlock" and row["state"] != "locked":
            raise PlanStateError(f"line {line_id} is {row['state']}, not locked")
        conn.execute(plan_lines.update().where(plan_lines.c.id == line_id).values(state=state))
        audit.record(conn, actor, "plan_edit", "employee", row["employee_id"],
                     {"plan_id": plan_id, "line_id": line_id, "action": action,
                      "offering_id": row["offering_id"]})
    return {**dict(row), "state": state}


def resolve(engine: sa.Engine, plan_id: str, actor: str, employee_of: dict[str, str],
            reasoner: Reasoner | None = None) -> PlanOutcome:
    """Solve a draft again from its stored candidates, keeping locks and removals.

    Args:
        employee_of: person_key -> employee_id (see ``sheets.employee_ids``).
        reasoner: words reasons for (person_key, program_id) pairs new to the plan; without it
            they are worded from the line's own values. Lines already in the plan keep theirs.
    """
    with engine.connect() as conn:
        head = conn.execute(sa.select(plans).where(plans.c.plan_id == plan_id)).mappings().first()
    if head is None:
        raise PlanNotFoundError(f"plan {plan_id!r} not found")
    if head["status"] != DRAFT:
        raise PlanStateError(state_message(plan_id, head["status"]))
    _, old = get_plan(engine, plan_id)
    candidates, offerings, _settings = plan_inputs(engine, plan_id)
    removed = set(zip(*[old.loc[old["state"] == "removed", c] for c in ("person_key",
                                                                        "offering_id")]))
    locked = set(zip(*[old.loc[old["state"] == "locked", c] for c in ("person_key",
                                                                      "offering_id")]))
    keep = [pair not in removed for pair in zip(candidates["person_key"],
                                                candidates["offering_id"])]
    candidates = candidates[keep].reset_index(drop=True)
    outcome = make_plan(candidates, offerings, config_of(json.loads(head["settings"]), locked))
    chosen = outcome.plan.assignments.merge(
        candidates[["person_key", "offering_id", "jp_shortfall"]], on=["person_key",
                                                                       "offering_id"])
    reasons = old[["person_key", "program_id", "reason_id", "reason_en"]].drop_duplicates(
        ["person_key", "program_id"])
    known = set(zip(reasons["person_key"], reasons["program_id"]))
    new = chosen[[p not in known for p in zip(chosen["person_key"], chosen["program_id"])]]
    if len(new):
        worded = reasoner(new[["person_key", "program_id"]]) if reasoner else plain_reasons(new)
        reasons = pd.concat([reasons, worded], ignore_index=True)
    lines = plan_lines_frame(outcome.plan.assignments, offerings, reasons, employee_of)
    with engine.begin() as conn:
        _claim_draft(conn, plan_id, summary=_summary(outcome), solved_at=dt.datetime.now(dt.UTC))
        conn.execute(plan_lines.delete().where(plan_lines.c.plan_id == plan_id,
                                               plan_lines.c.state != "removed"))
        if len(lines):
            conn.execute(plan_lines.insert(), _line_records(lines, plan_id))
        audit.record(conn, actor, "plan_resolve", "plan", plan_id,
                     {"lines": len(lines), "locked": len(locked), "removed": len(removed),
                      "status": outcome.plan.status})
    return outcome


def approve(engine: sa.Engine, plan_id: str, actor: str, today: dt.date | None = None) -> dict:
    """Nominate every line still in the draft, in one transaction; return the counts.

    Raises:
        PlanNotFoundError, PlanStateError; sqlalchemy IntegrityError when a nomination clashes
        with an existing enrollment (then nothing is written).
    """
    enr, dec = CANONICAL["enrollments"], CANONICAL["decisions"]
    today = today or dt.date.today()
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        head = conn.execute(sa.select(plans.c.model_version, plans.c.quarter)
                            .where(plans.c.plan_id == plan_id)).first()
        _claim_draft(conn, plan_id, status=APPROVED, approved_by=actor, approved_at=now)
        version = head[0]
        rows = conn.execute(sa.select(plan_lines).where(
            plan_lines.c.plan_id == plan_id, plan_lines.c.state != "removed")
            .order_by(plan_lines.c.id)).mappings().all()
        for row in rows:
            enrollment_id = conn.execute(enr.insert().values(
                employee_id=row["employee_id"], program_id=row["program_id"],
                offering_id=row["offering_id"], date=today, status="nominated",
                source="recommended")).inserted_primary_key[0]
            decision_id = uuid.uuid4().hex
            conn.execute(dec.insert().values(
                decision_id=decision_id, employee_id=row["employee_id"],
                program_id=row["program_id"], offering_id=row["offering_id"],
                decision="accepted", reason=row["reason_id"], decided_by=actor,
                decided_at=today, model_version=version))
            conn.execute(plan_lines.update().where(plan_lines.c.id == row["id"])
                         .values(enrollment_id=enrollment_id))
            audit.record(conn, actor, "decision", "employee", row["employee_id"],
                         {"decision_id": decision_id, "program_id": row["program_id"],
                          "offering_id": row["offering_id"], "decision": "accepted",
                          "model_version": version, "enrollment_id": enrollment_id,
                          "plan_id": plan_id})
        audit.record(conn, actor, "plan_approve", "plan", plan_id,
                     {"quarter": head[1], "nominations": len(rows), "model_version": version})
    return {"plan_id": plan_id, "nominations": len(rows), "decisions": len(rows)}
