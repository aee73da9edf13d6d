"""What the profile shows beside the suggestions: upcoming offerings and earlier decisions."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa

from model.quarters import quarter_start
from service.storage.schema import CANONICAL, audit_log

OFF, DEC = CANONICAL["offerings"], CANONICAL["decisions"]
MAX_OFFERS = 3


def _from_date(state: Any) -> dt.date:
    if state is not None and state.as_of:
        try:
            return quarter_start(state.as_of)
        except ValueError:
            pass
    return dt.date.today()


def upcoming_offerings(conn: sa.Connection, program_ids: list[str], state: Any) -> dict:
    """program_id -> its next offerings (from the served quarter on), soonest first."""
    if not program_ids:
        return {}
    rows = conn.execute(sa.select(OFF.c.offering_id, OFF.c.program_id, OFF.c.start_date,
                                  OFF.c.location)
                        .where(OFF.c.program_id.in_(program_ids),
                               OFF.c.start_date >= _from_date(state))
                        .order_by(OFF.c.start_date, OFF.c.offering_id)).mappings().all()
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["program_id"], [])
        if len(out[r["program_id"]]) < MAX_OFFERS:
            out[r["program_id"]].append(dict(r))
    return out


def _recorded_order(conn: sa.Connection, employee_id: str) -> dict[str, int]:
    """decision_id -> the id of its audit row: the order decisions were made in a day."""
    rows = conn.execute(sa.select(audit_log.c.id, audit_log.c.detail)
                        .where(audit_log.c.action == "decision",
                               audit_log.c.object_key == employee_id))
    order = {}
    for audit_id, detail in rows:
        try:
            order[json.loads(detail)["decision_id"]] = audit_id
        except (TypeError, ValueError, KeyError):
            continue
    return order


def decisions_of(conn: sa.Connection, employee_id: str) -> dict:
    """program_id -> the latest decision on it for this employee (decision dates are days:
    decisions of one day are ordered by their audit rows)."""
    rows = conn.execute(sa.select(DEC.c.decision_id, DEC.c.program_id, DEC.c.decision,
                                  DEC.c.reason_code, DEC.c.decided_by, DEC.c.decided_at)
                        .where(DEC.c.employee_id == employee_id)).mappings().all()
    order = _recorded_order(conn, employee_id)
    latest = sorted(rows, key=lambda r: (r["decided_at"] or dt.date.min,
                                         order.get(r["decision_id"], 0)))
    return {r["program_id"]: dict(r) for r in latest}
