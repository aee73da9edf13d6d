"""Units: the staff of a unit, their JP compliance, and a batch of suggestions to export."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse

from service.api.deps import ServicesDep, serving
from service.api.errors import not_found
from service.api.routes import recommendations
from service.web import figures
from service.web.rendering import render
from service.web.session import WebUser

router = APIRouter(prefix="/units")
UnitName = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("")
def unit_list(request: Request, user: WebUser, services: ServicesDep):
    """Every unit with its head-count; a unit head goes straight to their own unit."""
    if not user.all_units:
        if not user.unit:
            raise not_found("unit")
        return RedirectResponse(f"/ui/units/{quote(user.unit, safe='')}", 303)
    year = figures.reference_year(services.server)
    config = figures.duty_config(services.server)
    with services.engine.connect() as conn:
        staff = figures.staff_jp(conn, user, year, config)
    rows = []
    for unit, group in staff.groupby("unit", sort=True):
        rows.append({"unit": unit, **figures.compliance(group)})
    return render(request, "units.html", user, rows=rows, year=year)


@router.get("/{unit}")
def unit_page(request: Request, unit: UnitName, user: WebUser, services: ServicesDep):
    """A unit's active staff with JP this year against the duty."""
    if not user.may_see_unit(unit):
        raise not_found("unit")
    year = figures.reference_year(services.server)
    with services.engine.connect() as conn:
        staff = figures.staff_jp(conn, user, year, figures.duty_config(services.server), unit)
    if staff.empty:
        raise not_found("unit (or it has no active employees)")
    staff = staff.sort_values(["met", "jp", "name"])
    return render(request, "unit.html", user, unit=unit, year=year,
                  staff=staff.to_dict("records"), compliance=figures.compliance(staff),
                  model_ready=services.server.state is not None)


@router.get("/{unit}/export")
def export(unit: UnitName, user: WebUser, services: ServicesDep,
           format: Annotated[Literal["csv", "xlsx"], Query()] = "xlsx",
           k: Annotated[int, Query(ge=1, le=20)] = 5):
    """The unit's suggestions as CSV or XLSX, made by the API's export code."""
    if not user.may_see_unit(unit):
        raise not_found("unit")
    return recommendations.batch(user, services, serving(services), unit=unit, job_kind=None,
                                 grade=None, k=k, form=None, max_cost=None, quarter=None,
                                 format=format)
