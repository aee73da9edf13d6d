"""Recommendations for one employee and for a unit or a filter (JSON, CSV or XLSX)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from model.quarters import parse_quarter
from service import audit
from service.api import people, scoring
from service.api.deps import CurrentUser, Services, ServicesDep, ServingDep
from service.api.errors import ApiError
from service.api.routes.employees import EmployeeId
from service.api.schemas.recommendations import BatchRecommendations, EmployeeRecommendations
from service.auth.roles import Principal
from service.exposure import Shown
from service.model_serving import Serving

router = APIRouter(tags=["recommendations"])
K = Annotated[int, Query(ge=1, le=50, description="how many programs per employee")]
Form = Annotated[Literal["klasikal", "non_klasikal"] | None, Query()]
MaxCost = Annotated[float | None, Query(ge=0, description="rupiah per participant")]
Quarter = Annotated[str | None, Query(max_length=8, description="only programs offered then, e.g. 2025Q4")]
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _quarter(quarter: str | None) -> str | None:
    if quarter is None:
        return None
    try:
        year, q = parse_quarter(quarter)
    except ValueError as exc:
        raise ApiError(422, f"quarter: {exc}") from None
    return f"{year}Q{q}"


@router.get("/employees/{employee_id}/recommendations", response_model=EmployeeRecommendations,
            responses={404: {}, 503: {"description": "no model loaded"}})
def for_employee(employee_id: EmployeeId, user: CurrentUser, services: ServicesDep,
                 serving: ServingDep, k: K = 10, form: Form = None, max_cost: MaxCost = None,
                 quarter: Quarter = None) -> EmployeeRecommendations:
    """Ranked programs with score, P(complete) and reasons (Indonesian and English)."""
    return recommend_for(employee_id, user, services, serving, k=k, form=form,
                         max_cost=max_cost, quarter=quarter, surface="api")


def _log_shown(services: Services, user: Principal, serving: Serving,
               result: list[EmployeeRecommendations], surface: str) -> None:
    services.exposure.shown(
        [Shown(r.employee_id, [(i.program_id, i.score, i.explored, i.propensity)
                               for i in r.items]) for r in result],
        surface=surface, client=user.username, model_version=serving.version)


def _exploring(services: Services) -> dict:
    return {"explore_share": services.settings.exploration_share,
            "explore_pool": services.settings.exploration_pool}


def recommend_for(employee_id: str, user: Principal, services: Services, serving: Serving, *,
                  k: int, form: str | None,
                  max_cost: float | None, quarter: str | None,
                  surface: str) -> EmployeeRecommendations:
    """One employee's suggestions as shown on ``surface`` (audited and logged as impressions)."""
    quarter = _quarter(quarter)
    with services.engine.connect() as conn:
        row = people.visible_employee(conn, user, employee_id)
    result = scoring.recommend(serving, services.pseudonym_key, [row], k=k, quarter=quarter,
                               form=form, max_cost=max_cost, **_exploring(services))[0]
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "recommendations_view", "employee", employee_id,
                     {"model_version": serving.version, "k": k})
    _log_shown(services, user, serving, [result], surface)
    return result


def _filename(unit: str | None, fmt: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", unit or "all").strip("-").lower() or "unit"
    return f"recommendations-{stem}-{dt.date.today():%Y%m%d}.{fmt}"


@router.get("/recommendations", response_model=BatchRecommendations,
            responses={200: {"content": {MEDIA["csv"]: {}, MEDIA["xlsx"]: {}},
                             "description": "JSON, or a CSV/XLSX download"},
                       422: {"description": "bad filter or too many employees"}})
def batch(user: CurrentUser, services: ServicesDep, serving: ServingDep,
          unit: Annotated[str | None, Query(max_length=200)] = None,
          job_kind: Annotated[str | None, Query(max_length=64)] = None,
          grade: Annotated[str | None, Query(max_length=16)] = None,
          k: K = 10, form: Form = None, max_cost: MaxCost = None, quarter: Quarter = None,
          format: Annotated[Literal["json", "csv", "xlsx"], Query()] = "json"):
    """Recommendations for every active employee of a unit or filter the caller may see."""
    quarter = _quarter(quarter)
    with services.engine.connect() as conn:
        rows = people.matching(conn, user, unit=unit, job_kind=job_kind, grade=grade)
    limit = services.settings.batch_max_persons
    if len(rows) > limit:
        raise ApiError(422, f"{len(rows):,} employees match; narrow the filter to at most {limit:,}")
    result = scoring.recommend(serving, services.pseudonym_key, rows, k=k, quarter=quarter,
                               form=form, max_cost=max_cost, **_exploring(services))
    with services.engine.begin() as conn:
        audit.record_many(conn, user.username, "recommendations_export", "employee",
                          [r["employee_id"] for r in rows],
                          {"model_version": serving.version, "format": format, "unit": unit})
    _log_shown(services, user, serving, result, "api" if format == "json" else "export")
    if format == "json":
        return BatchRecommendations(model_version=serving.version, as_of=serving.as_of,
                                    employees=result)
    body = scoring.to_bytes(scoring.export_rows(result), format)
    return Response(body, media_type=MEDIA[format], headers={
        "Content-Disposition": f'attachment; filename="{_filename(unit, format)}"'})
