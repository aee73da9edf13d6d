"""HR decisions on suggestions, and enrollment outcomes.

The system suggests; a person decides and is recorded (UU 27/2022 art. 10). An acceptance with
an offering nominates the employee: an enrollment with status ``nominated``, source
``recommended``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import sqlalchemy as sa
from fastapi import APIRouter

from service import audit
from service.api import people
from service.api.deps import CurrentUser, RowId, ServicesDep
from service.api.errors import ApiError, not_found
from service.api.schemas.decisions import (DecisionCreate, DecisionPublic, DecisionStatsPublic,
                                           EnrollmentPublic, EnrollmentUpdate)
from service.decision_stats import load_decisions, summarise
from service.storage.schema import CANONICAL

router = APIRouter(tags=["decisions"])
DEC, ENR = CANONICAL["decisions"], CANONICAL["enrollments"]
PROG, OFF = CANONICAL["programs"], CANONICAL["offerings"]


@router.post("/decisions", response_model=DecisionPublic, status_code=201,
             responses={404: {}, 409: {"description": "already nominated for that program that day"},
                        422: {}})
def decide(body: DecisionCreate, user: CurrentUser, services: ServicesDep) -> DecisionPublic:
    """Record that HR accepted or rejected a suggested program for an employee."""
    state = services.server.state
    version = state.version if state else None
    today = dt.date.today()
    decision_id = uuid.uuid4().hex
    enrollment_id = None
    with services.engine.begin() as conn:
        people.visible_employee(conn, user, body.employee_id)
        if conn.execute(sa.select(PROG.c.program_id)
                        .where(PROG.c.program_id == body.program_id)).first() is None:
            raise not_found("program")
        if body.offering_id is not None:
            offered = conn.execute(sa.select(OFF.c.program_id)
                                   .where(OFF.c.offering_id == body.offering_id)).first()
            if offered is None:
                raise not_found("offering")
            if offered[0] != body.program_id:
                raise ApiError(422, f"offering {body.offering_id!r} is not of program {body.program_id!r}")
        conn.execute(DEC.insert().values(
            decision_id=decision_id, employee_id=body.employee_id, program_id=body.program_id,
            offering_id=body.offering_id, decision=body.decision, reason_code=body.reason_code,
            reason=body.reason, decided_by=user.username, decided_at=today, model_version=version))
        if body.decision == "accepted" and body.offering_id is not None:
            exists = conn.execute(sa.select(ENR.c.id).where(
                ENR.c.employee_id == body.employee_id, ENR.c.program_id == body.program_id,
                ENR.c.date == today)).first()
            if exists is not None:
                raise ApiError(409, "this employee already has an enrollment in this program today")
            enrollment_id = conn.execute(ENR.insert().values(
                employee_id=body.employee_id, program_id=body.program_id,
                offering_id=body.offering_id, date=today, status="nominated",
                source="recommended")).inserted_primary_key[0]
        audit.record(conn, user.username, "decision", "employee", body.employee_id,
                     {"decision_id": decision_id, "program_id": body.program_id,
                      "offering_id": body.offering_id, "decision": body.decision,
                      "reason_code": body.reason_code, "model_version": version,
                      "enrollment_id": enrollment_id})
    services.server.data_changed()
    return DecisionPublic(decision_id=decision_id, employee_id=body.employee_id,
                          program_id=body.program_id, offering_id=body.offering_id,
                          decision=body.decision, reason_code=body.reason_code,
                          reason=body.reason, decided_by=user.username,
                          decided_at=today, model_version=version, enrollment_id=enrollment_id)


@router.get("/decisions/stats", response_model=DecisionStatsPublic)
def decision_stats(user: CurrentUser, services: ServicesDep) -> DecisionStatsPublic:
    """How often HR accepts suggestions, by program category and by unit, and why it rejects
    them; groups of fewer than 10 decisions are suppressed. A unit head sees their own unit's."""
    unit = None if user.all_units else (user.unit or "")
    with services.engine.begin() as conn:
        stats = summarise(load_decisions(conn, unit))
        audit.record(conn, user.username, "decision_stats_view", "unit", unit or "*",
                     {"decisions": stats.overall.decisions})
    return DecisionStatsPublic(unit=unit, **dataclasses.asdict(stats))


@router.patch("/enrollments/{enrollment_id}", response_model=EnrollmentPublic, responses={404: {}})
def record_outcome(enrollment_id: RowId, body: EnrollmentUpdate,
                   user: CurrentUser, services: ServicesDep) -> EnrollmentPublic:
    """Record what happened to an enrollment: status, JP earned and post-test score."""
    fields = body.model_dump(exclude_unset=True)
    with services.engine.begin() as conn:
        row = conn.execute(sa.select(ENR).where(ENR.c.id == enrollment_id)).mappings().first()
        if row is None:
            raise not_found("enrollment")
        try:
            people.visible_employee(conn, user, row["employee_id"])
        except ApiError:
            raise not_found("enrollment") from None
        conn.execute(ENR.update().where(ENR.c.id == enrollment_id).values(**fields))
        audit.record(conn, user.username, "enrollment_update", "employee", row["employee_id"],
                     {"enrollment_id": enrollment_id, **fields})
    services.server.data_changed()
    merged = {**dict(row), **fields}
    merged["enrollment_id"] = merged.pop("id")
    return EnrollmentPublic(**merged)
