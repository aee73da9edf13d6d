"""Engagement: P(reaching the yearly JP duty), expected JP and JP so far."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from service import audit
from service.api import people, scoring
from service.api.deps import CurrentUser, ServicesDep, ServingDep
from service.api.errors import ApiError, not_found
from service.api.routes.employees import EmployeeId
from service.api.schemas.recommendations import EmployeeEngagement, UnitEngagement

router = APIRouter(tags=["engagement"])
LIKELY = 0.5


@router.get("/employees/{employee_id}/engagement", response_model=EmployeeEngagement,
            responses={404: {}, 503: {"description": "no model loaded"}})
def for_employee(employee_id: EmployeeId, user: CurrentUser, services: ServicesDep,
                 serving: ServingDep,
                 factors: Annotated[bool, Query(description="include the top factors")] = True,
                 ) -> EmployeeEngagement:
    """One employee's P(reach duty), expected JP by year end and JP so far."""
    with services.engine.connect() as conn:
        row = people.visible_employee(conn, user, employee_id)
    found, _unknown = scoring.engagement(serving, services.pseudonym_key, [row], factors=factors)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "engagement_view", "employee", employee_id,
                     {"model_version": serving.version})
    if not found:
        raise ApiError(404, "employee " + scoring.NOT_IN_VIEW.format(as_of=serving.as_of))
    return EmployeeEngagement(**found[0].model_dump(), model_version=serving.version,
                              as_of=serving.as_of)


@router.get("/units/{unit}/engagement", response_model=UnitEngagement,
            responses={404: {}, 503: {"description": "no model loaded"}})
def for_unit(unit: Annotated[str, Path(min_length=1, max_length=200)], user: CurrentUser,
             services: ServicesDep, serving: ServingDep) -> UnitEngagement:
    """A unit's aggregates and its people, least likely to reach the duty first."""
    if not user.may_see_unit(unit):
        raise not_found("unit")
    with services.engine.connect() as conn:
        rows = people.matching(conn, user, unit=unit)
    if not rows:
        raise not_found("unit (or it has no active employees)")
    found, _unknown = scoring.engagement(serving, services.pseudonym_key, rows)
    with services.engine.begin() as conn:
        audit.record_many(conn, user.username, "engagement_view", "employee",
                          [e.employee_id for e in found], {"unit": unit})
    n = len(found)

    def mean(values: list[float]) -> float | None:
        return sum(values) / n if n else None

    return UnitEngagement(
        unit=unit, model_version=serving.version, as_of=serving.as_of, people=n,
        mean_p_reach_duty=mean([e.p_reach_duty for e in found]),
        likely_to_miss_duty=sum(e.p_reach_duty < LIKELY for e in found),
        mean_jp_this_year=mean([e.jp_this_year for e in found]),
        mean_expected_jp=mean([e.expected_jp for e in found]), employees=found)
