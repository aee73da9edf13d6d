"""Training records (training outside the catalogue) from the database, with the caller's unit
scope applied, and which of them count toward the yearly JP.

A record's hours count in the year it ended (else started), unless it repeats a completed
enrollment of the same program in the same year (``model.outside_training``: the models count
the same way).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from model.outside_training import record_years, repeated_records
from service.api.scope import unit_conditions
from service.auth.roles import Principal
from service.storage.schema import CANONICAL

TR, EMP = CANONICAL["training_records"], CANONICAL["employees"]
ENR, PROG = CANONICAL["enrollments"], CANONICAL["programs"]
RECORD_COLUMNS = ("employee_id", "title", "start_date", "end_date", "kind", "provider", "jp",
                  "certificate_number", "source", "program_id", "match_status", "match_score")


def _select() -> sa.Select:
    return (sa.select(*[TR.c[c] for c in RECORD_COLUMNS], PROG.c.title.label("program_title"),
                      EMP.c.name, EMP.c.unit)
            .join(EMP, EMP.c.employee_id == TR.c.employee_id)
            .join(PROG, PROG.c.program_id == TR.c.program_id, isouter=True))


def _completions(conn: sa.Connection, employee_ids: set[str]) -> pd.DataFrame:
    """Completed enrollments of these people, with the year they count in."""
    rows = conn.execute(sa.select(ENR.c.employee_id, ENR.c.program_id, ENR.c.status, ENR.c.date)
                        .where(ENR.c.employee_id.in_(sorted(employee_ids)),
                               ENR.c.status == "completed")).all() if employee_ids else []
    frame = pd.DataFrame(rows, columns=["employee_id", "program_id", "status", "date"])
    return frame.assign(year=pd.to_datetime(frame["date"]).dt.year)


def credited(records: list[dict], completions: pd.DataFrame) -> list[dict]:
    """``records`` with ``jp_year`` (the year their JP counts in) and ``counted`` (False when a
    completed enrollment of the same program in the same year already counts it)."""
    if not records:
        return []
    frame = pd.DataFrame(records)
    frame["year"] = record_years(frame)
    repeats = repeated_records(frame, completions, person="employee_id")
    return [{**r, "jp_year": int(y), "counted": not bool(rep)}
            for r, y, rep in zip(records, frame["year"], repeats)]


def of_employee(conn: sa.Connection, employee_id: str) -> list[dict]:
    """One person's training records, newest first, credited."""
    rows = [dict(r) for r in conn.execute(
        _select().where(TR.c.employee_id == employee_id)
        .order_by(TR.c.start_date.desc(), TR.c.title)).mappings()]
    return credited(rows, _completions(conn, {employee_id}))


def search(conn: sa.Connection, user: Principal, *, employee_id: str | None = None,
           match_status: str | None = None, unit: str | None = None, page: int = 1,
           page_size: int = 50) -> tuple[list[dict], int]:
    """One page of the records of people the caller may see, matching the filters, and the
    total count."""
    where = unit_conditions(user, unit)
    if employee_id:
        where.append(TR.c.employee_id == employee_id)
    if match_status:
        where.append(TR.c.match_status == match_status)
    base = TR.join(EMP, EMP.c.employee_id == TR.c.employee_id)
    total = conn.execute(sa.select(sa.func.count()).select_from(base).where(*where)).scalar_one()
    rows = [dict(r) for r in conn.execute(
        _select().where(*where)
        .order_by(EMP.c.unit, EMP.c.name, TR.c.employee_id, TR.c.start_date.desc(), TR.c.title)
        .limit(page_size).offset((page - 1) * page_size)).mappings()]
    return credited(rows, _completions(conn, {r["employee_id"] for r in rows})), int(total)


def find(conn: sa.Connection, employee_id: str, title: str, start_date: dt.date) -> dict | None:
    """The record of this natural key, credited, or None."""
    row = conn.execute(_select().where(TR.c.employee_id == employee_id, TR.c.title == title,
                                       TR.c.start_date == start_date)).mappings().first()
    if row is None:
        return None
    return credited([dict(row)], _completions(conn, {employee_id}))[0]


def counted_jp(conn: sa.Connection, where: list[sa.ColumnElement[bool]], year: int) -> pd.Series:
    """JP of the records counted in ``year``, by employee_id, of the employees ``where`` (conditions
    on the employees table) selects."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    counting = sa.func.coalesce(TR.c.end_date, TR.c.start_date)
    rows = [dict(r) for r in conn.execute(
        sa.select(TR.c.employee_id, TR.c.start_date, TR.c.end_date, TR.c.jp, TR.c.program_id,
                  TR.c.match_status)
        .join(EMP, EMP.c.employee_id == TR.c.employee_id)
        .where(*where, counting.between(start, end))).mappings()]
    if not rows:
        return pd.Series(dtype=float)
    done = pd.DataFrame(conn.execute(
        sa.select(ENR.c.employee_id, ENR.c.program_id, ENR.c.status)
        .join(EMP, EMP.c.employee_id == ENR.c.employee_id)
        .where(*where, ENR.c.status == "completed", ENR.c.date.between(start, end))).all(),
        columns=["employee_id", "program_id", "status"]).assign(year=year)
    frame = pd.DataFrame(credited(rows, done))
    frame = frame[frame["counted"] & frame["jp_year"].eq(year)]
    jp = pd.to_numeric(frame["jp"], errors="coerce").fillna(0.0)
    return jp.groupby(frame["employee_id"]).sum()
