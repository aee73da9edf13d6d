"""Running trainings: who is slipping now (the API's route, so the unit scope and the small-cell
rules are the same), with program titles."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request

from service.api.deps import ServicesDep, serving
from service.api.errors import ApiError
from service.api.routes import running
from service.storage.schema import CANONICAL
from service.web.rendering import render
from service.web.session import WebUser

router = APIRouter()
PROG = CANONICAL["programs"]
SHOWN = 200


@router.get("/running")
def running_page(request: Request, user: WebUser, services: ServicesDep,
                 on: Annotated[dt.date | None, Query()] = None):
    """Enrolments of the trainings under way, highest risk first."""
    try:
        data = running.running_enrolments(user, services, serving(services), on=on, unit=None,
                                          limit=SHOWN)
    except ApiError as err:
        if err.status != 409:
            raise
        return render(request, "running.html", user, data=None, missing=True, titles={})
    ids = {e.program_id for e in data.enrolments} | {o.program_id for o in data.offerings}
    with services.engine.connect() as conn:
        titles = dict(conn.execute(sa.select(PROG.c.program_id, PROG.c.title)
                                   .where(PROG.c.program_id.in_(ids))).all()) if ids else {}
    return render(request, "running.html", user, data=data, missing=False, titles=titles)
