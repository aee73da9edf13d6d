"""Training records (training outside the catalogue): the list, and HR's review of their match.

Reviewing is admin and analyst work, like the import the records came from; a unit head sees
their own unit's records. A certificate number is shown only in one person's record.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query

from service import audit
from service.api import outside_training
from service.api.deps import CurrentUser, EditorUser, ServicesDep
from service.api.errors import ApiError, not_found
from service.api.schemas.training_records import (MatchStatus, TrainingRecordPage,
                                                  TrainingRecordPublic, TrainingRecordReview)
from service.storage.schema import CANONICAL

router = APIRouter(prefix="/training-records", tags=["training records"])
TR, PROG = CANONICAL["training_records"], CANONICAL["programs"]


@router.get("", response_model=TrainingRecordPage)
def list_records(
    user: CurrentUser, services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    employee_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    match_status: MatchStatus | None = None,
    unit: Annotated[str | None, Query(max_length=200)] = None,
) -> TrainingRecordPage:
    """Records of the people the caller may see, by unit and person, newest first."""
    with services.engine.connect() as conn:
        rows, total = outside_training.search(conn, user, employee_id=employee_id,
                                              match_status=match_status, unit=unit, page=page,
                                              page_size=page_size)
    if employee_id is None:
        rows = [{**r, "certificate_number": None} for r in rows]
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "training_record_list",
                     "employee" if employee_id else "employees", employee_id,
                     {"unit": unit, "match_status": match_status, "returned": len(rows)})
    return TrainingRecordPage(items=rows, total=total, page=page, page_size=page_size)


@router.post("/review", response_model=TrainingRecordPublic, responses={404: {}, 422: {}})
def review(body: TrainingRecordReview, user: EditorUser,
           services: ServicesDep) -> TrainingRecordPublic:
    """Confirm a record's match (optionally to another program, or a program for an unmatched
    record) or reject it; recorded in the audit log."""
    with services.engine.begin() as conn:
        row = outside_training.find(conn, body.employee_id, body.title, body.start_date)
        if row is None:
            raise not_found("training record")
        if body.action == "confirm":
            program_id = body.program_id or row["program_id"]
            if program_id is None:
                raise ApiError(422, "program_id: this record has no suggested program; name the "
                                    "catalogue program it is")
            if conn.execute(sa.select(PROG.c.program_id)
                            .where(PROG.c.program_id == program_id)).first() is None:
                raise ApiError(422, f"program_id: unknown program {program_id!r}")
            values = {"program_id": program_id, "match_status": "confirmed"}
        else:
            if body.program_id is not None:
                raise ApiError(422, "program_id: only with confirm (a rejection keeps the "
                                    "suggested program, so it is not suggested again)")
            program_id = row["program_id"]
            values = {"match_status": "rejected"}
        conn.execute(TR.update().where(TR.c.employee_id == body.employee_id,
                                       TR.c.title == body.title,
                                       TR.c.start_date == body.start_date).values(**values))
        audit.record(conn, user.username, "training_record_review", "employee", body.employee_id,
                     {"title": body.title, "start_date": body.start_date, "action": body.action,
                      "program_id": program_id, "previous_program_id": row["program_id"],
                      "previous_status": row["match_status"], "reason": body.reason})
        updated = outside_training.find(conn, body.employee_id, body.title, body.start_date)
    services.server.data_changed()
    return TrainingRecordPublic(**updated)
