"""The dashboard's figures from the database: JP compliance, participation by quarter, budget
used; every figure restricted to what the user may see (a unit head: their own unit)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlalchemy as sa

from model.config import ModelConfig
from service.api import outside_training
from service.auth.roles import Principal
from service.storage.schema import CANONICAL

EMP, ENR, PROG = CANONICAL["employees"], CANONICAL["enrollments"], CANONICAL["programs"]
PARTICIPATED = ("attended", "completed")


def reference_year(server: Any) -> int:
    """'This year': the served model's year when there is one (the data may end before today)."""
    state = server.state
    return int(state.as_of[:4]) if state is not None and state.as_of else dt.date.today().year


def duty_config(server: Any) -> ModelConfig:
    """The served model's settings (its JP duty), else the defaults."""
    state = server.state
    config = getattr(state.recommender, "config", None) if state is not None else None
    return config if isinstance(config, ModelConfig) else ModelConfig()


def _scope(user: Principal, unit: str | None,
           active_only: bool = True) -> list[sa.ColumnElement[bool]]:
    """Conditions on ``EMP``: the user's unit (or ``unit``), and active staff only."""
    where = [sa.or_(EMP.c.active.is_(None), EMP.c.active.is_(True))] if active_only else []
    scoped = user.scope_unit(unit)
    if scoped is not None:
        where.append(EMP.c.unit == scoped)
    return where


def staff_jp(conn: sa.Connection, user: Principal, year: int, config: ModelConfig,
             unit: str | None = None) -> pd.DataFrame:
    """Active staff in scope with JP earned in ``year`` (enrollments, and training records
    counted once: see ``service.api.outside_training``), their duty and whether they met it."""
    staff = pd.DataFrame(conn.execute(
        sa.select(EMP.c.employee_id, EMP.c.name, EMP.c.unit, EMP.c.position, EMP.c.grade,
                  EMP.c.employment_type).where(*_scope(user, unit))
        .order_by(EMP.c.name, EMP.c.employee_id)).mappings().all(),
        columns=["employee_id", "name", "unit", "position", "grade", "employment_type"])
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    earned = pd.DataFrame(conn.execute(
        sa.select(ENR.c.employee_id, sa.func.sum(ENR.c.jp_earned).label("jp"))
        .join(EMP, EMP.c.employee_id == ENR.c.employee_id)
        .where(*_scope(user, unit), ENR.c.date.between(start, end))
        .group_by(ENR.c.employee_id)).mappings().all(), columns=["employee_id", "jp"])
    staff = staff.merge(earned, on="employee_id", how="left")
    outside = outside_training.counted_jp(conn, _scope(user, unit), year)
    staff["jp"] = (staff["jp"].fillna(0.0).astype(float)
                   + staff["employee_id"].map(outside).fillna(0.0).astype(float))
    staff["duty"] = [config.duty_for(t) for t in staff["employment_type"]]
    staff["met"] = staff["jp"] >= staff["duty"]
    return staff


def compliance(staff: pd.DataFrame) -> dict:
    """How many of ``staff`` met their JP duty, and the share."""
    total = len(staff)
    met = int(staff["met"].sum()) if total else 0
    return {"total": total, "met": met, "share": met / total if total else None}


def participation_by_quarter(conn: sa.Connection, user: Principal, year: int,
                             quarters: int = 8, unit: str | None = None) -> list[dict]:
    """Distinct participants (attended or completed) per quarter, the last ``quarters`` up to
    the end of ``year``'s current quarter."""
    start = dt.date(year - (quarters // 4), 1, 1)
    rows = pd.DataFrame(conn.execute(
        sa.select(ENR.c.employee_id, ENR.c.date)
        .join(EMP, EMP.c.employee_id == ENR.c.employee_id)
        .where(*_scope(user, unit, active_only=False), ENR.c.status.in_(PARTICIPATED),
               ENR.c.date.between(start, dt.date(year, 12, 31)))).mappings().all(),
        columns=["employee_id", "date"])
    if rows.empty:
        return []
    rows["quarter"] = pd.PeriodIndex(pd.to_datetime(rows["date"]), freq="Q").astype(str)
    counts = rows.groupby("quarter")["employee_id"].nunique().sort_index()
    return [{"quarter": q.replace("Q", " Q"), "participants": int(n)}
            for q, n in counts.tail(quarters).items()]


def budget_used(conn: sa.Connection, user: Principal, year: int,
                unit: str | None = None) -> float:
    """Sum of the programme cost of this year's enrollments in scope (rupiah)."""
    total = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(PROG.c.cost_idr), 0))
        .select_from(ENR.join(EMP, EMP.c.employee_id == ENR.c.employee_id)
                     .join(PROG, PROG.c.program_id == ENR.c.program_id))
        .where(*_scope(user, unit, active_only=False),
               ENR.c.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))).scalar_one()
    return float(total or 0)


def units(conn: sa.Connection, user: Principal) -> list[dict]:
    """Units the user may see with their active head-count."""
    rows = conn.execute(
        sa.select(EMP.c.unit, sa.func.count().label("staff")).where(*_scope(user, None))
        .group_by(EMP.c.unit).order_by(EMP.c.unit)).mappings().all()
    return [dict(r) for r in rows if r["unit"] is not None]
