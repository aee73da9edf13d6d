"""What the profile shows beside the suggestions: upcoming offerings and earlier decisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from model.quarters import quarter_start
from service.storage.schema import CANONICAL

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


def decisions_of(conn: sa.Connection, employee_id: str) -> dict:
    """program_id -> the latest decision on it for this employee."""
    rows = conn.execute(sa.select(DEC.c.program_id, DEC.c.decision, DEC.c.decided_by,
                                  DEC.c.decided_at)
                        .where(DEC.c.employee_id == employee_id)
                        .order_by(DEC.c.decided_at, DEC.c.decision_id)).mappings().all()
    return {r["program_id"]: dict(r) for r in rows}
