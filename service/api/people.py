"""Reading employees from the database with the caller's unit scope applied."""

from __future__ import annotations

import sqlalchemy as sa

from service.api import outside_training
from service.api.errors import not_found
from service.api.scope import unit_conditions
from service.auth.roles import Principal
from service.storage.schema import CANONICAL

EMP = CANONICAL["employees"]
LIST_COLUMNS = ("employee_id", "name", "unit", "job_kind", "grade", "position", "employment_type",
                "active")


def visible_employee(conn: sa.Connection, user: Principal, employee_id: str) -> dict:
    """The employee's row, or 404 when unknown or outside the caller's unit (the same answer,
    so a unit head cannot probe other units' NIPs)."""
    row = conn.execute(sa.select(EMP).where(EMP.c.employee_id == employee_id)).mappings().first()
    if row is None or not user.may_see_unit(row["unit"]):
        raise not_found("employee")
    return dict(row)


def _filtered(user: Principal, unit: str | None, job_kind: str | None, grade: str | None,
              q: str | None) -> list[sa.ColumnElement[bool]]:
    where = unit_conditions(user, unit)
    if job_kind:
        where.append(EMP.c.job_kind == job_kind)
    if grade:
        where.append(EMP.c.grade == grade)
    if q:
        text = q.strip().lower()
        where.append(sa.or_(sa.func.lower(EMP.c.name).contains(text, autoescape=True),
                            EMP.c.employee_id.contains(text, autoescape=True)))
    return where


def search(conn: sa.Connection, user: Principal, *, unit: str | None = None,
           job_kind: str | None = None, grade: str | None = None, q: str | None = None,
           page: int = 1, page_size: int = 50) -> tuple[list[dict], int]:
    """One page of visible employees matching the filters, and the total count."""
    where = _filtered(user, unit, job_kind, grade, q)
    total = conn.execute(sa.select(sa.func.count()).select_from(EMP).where(*where)).scalar_one()
    rows = conn.execute(sa.select(*[EMP.c[c] for c in LIST_COLUMNS]).where(*where)
                        .order_by(EMP.c.unit, EMP.c.name, EMP.c.employee_id)
                        .limit(page_size).offset((page - 1) * page_size)).mappings().all()
    return [dict(r) for r in rows], int(total)


def matching(conn: sa.Connection, user: Principal, *, unit: str | None = None,
             job_kind: str | None = None, grade: str | None = None,
             active_only: bool = True) -> list[dict]:
    """Every visible employee matching the filters (for batch work)."""
    where = _filtered(user, unit, job_kind, grade, None)
    if active_only:
        where.append(sa.or_(EMP.c.active.is_(None), EMP.c.active.is_(True)))
    rows = conn.execute(sa.select(*[EMP.c[c] for c in LIST_COLUMNS]).where(*where)
                        .order_by(EMP.c.employee_id)).mappings().all()
    return [dict(r) for r in rows]


def profile_parts(conn: sa.Connection, employee_id: str, year: int) -> dict:
    """Competency gaps (latest assessment per competency), reviews, training (enrollments and
    records of training outside the catalogue), JP in ``year`` (a record repeating a completed
    enrollment counted once)."""
    ca, comp = CANONICAL["competency_assessments"], CANONICAL["competencies"]
    pr, enr, prog = CANONICAL["performance_reviews"], CANONICAL["enrollments"], CANONICAL["programs"]
    assessed = conn.execute(
        sa.select(ca, comp.c.name_id, comp.c.name_en, comp.c.type)
        .join(comp, comp.c.code == ca.c.competency_code, isouter=True)
        .where(ca.c.employee_id == employee_id)
        .order_by(ca.c.competency_code, ca.c.assessed_on.desc())).mappings().all()
    gaps, seen = [], set()
    for r in assessed:
        if r["competency_code"] in seen:
            continue
        seen.add(r["competency_code"])
        have, need = r["assessed_level"], r["required_level"]
        gaps.append({"code": r["competency_code"], "name_id": r["name_id"], "name_en": r["name_en"],
                     "type": r["type"], "assessed_level": have, "required_level": need,
                     "gap": None if have is None or need is None else need - have,
                     "assessed_on": r["assessed_on"]})
    gaps.sort(key=lambda x: (-(x["gap"] or -99), x["code"]))
    reviews = conn.execute(sa.select(pr.c.period, pr.c.skp_rating, pr.c.skp_score)
                           .where(pr.c.employee_id == employee_id)
                           .order_by(pr.c.period.desc())).mappings().all()
    training = conn.execute(
        sa.select(enr.c.id.label("enrollment_id"), enr.c.program_id, prog.c.title, enr.c.offering_id,
                  enr.c.date, enr.c.status, enr.c.jp_earned, enr.c.post_test_score, enr.c.source)
        .join(prog, prog.c.program_id == enr.c.program_id, isouter=True)
        .where(enr.c.employee_id == employee_id)
        .order_by(enr.c.date.desc())).mappings().all()
    records = outside_training.of_employee(conn, employee_id)
    jp = sum(float(t["jp_earned"] or 0) for t in training if t["date"].year == year)
    jp += sum(float(r["jp"] or 0) for r in records if r["counted"] and r["jp_year"] == year)
    return {"competency_gaps": gaps, "performance": [dict(r) for r in reviews],
            "training": [dict(t) for t in training], "training_records": records,
            "jp_year": year, "jp_this_year": jp}
