"""The yearly AKPK: HR (and unit heads, for their own OPD) download the workbook for a year.

The year is planned with the served model when the file is asked for (``service/akpk/``);
a unit head receives the same city-wide plan cut to their OPD's sheet.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from model.planning import PlanConfig, PlanInfeasibleError, PlanInputError, PlanTimeoutError
from service import audit
from service.akpk.building import MAX_YEAR, MIN_YEAR, build_akpk, for_unit
from service.akpk.workbook import akpk_workbook
from service.api.deps import ServicesDep, serving
from service.plans.sheets import employee_ids
from service.web.rendering import render
from service.web.session import WebError, WebUser

router = APIRouter(prefix="/akpk")
log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TIME_LIMIT_S = 60.0


@router.get("")
def akpk_page(request: Request, user: WebUser, services: ServicesDep):
    """The form: year, the year's budget, trainings per PNS."""
    state = services.server.state
    as_of = state.as_of if state else None
    year = int(as_of[:4]) if as_of else None
    return render(request, "akpk.html", user, year=year, as_of=as_of, unit=None
                  if user.all_units else user.unit)


@router.get("/download")
def download(user: WebUser, services: ServicesDep,
             year: Annotated[int, Query(ge=MIN_YEAR, le=MAX_YEAR)],
             budget_idr: Annotated[float, Query(ge=0, le=1e13)],
             max_per_person: Annotated[int, Query(ge=1, le=12)] = 3):
    """Plan the year and answer the AKPK workbook (a unit head's holds only their OPD)."""
    served = serving(services)
    if not user.all_units and not user.unit:
        raise WebError(403, "error.forbidden")
    try:
        config = PlanConfig(budget_idr=budget_idr, max_per_person=max_per_person,
                            time_limit_s=TIME_LIMIT_S)
        plan = build_akpk(served.recommender, served.ctx, config, year,
                          employee_ids(services.engine, services.pseudonym_key),
                          model_version=served.version, baselines=False)
    except (PlanInputError, PlanInfeasibleError, PlanTimeoutError) as exc:
        raise WebError(422, "akpk.failed", str(exc)) from None
    if not user.all_units:
        plan = for_unit(plan, user.unit)
    data = akpk_workbook(plan)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "akpk_export", "akpk", str(year),
                     {"budget_idr": budget_idr, "unit": None if user.all_units else user.unit,
                      "lines": len(plan.lines), "model_version": served.version})
    log.info("AKPK %s exported: %d lines", year, len(plan.lines))
    suffix = "" if user.all_units else "-opd"
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="akpk-{year}{suffix}.xlsx"'})
