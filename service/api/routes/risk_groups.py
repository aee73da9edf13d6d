"""Groups of employees at risk of not reaching the yearly JP duty (role-aware, suppressed)."""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from model.suppression import DEFAULT_THRESHOLD
from service import audit
from service.api.deps import CurrentUser, ServicesDep, ServingDep
from service.model_inputs import load_model_frames
from service.risk import analyse, to_dashboard, trend_of
from service.risk_cache import RiskCache, keep_warm

router = APIRouter(tags=["risk groups"])
cache = RiskCache()
TREND_QUARTERS = 8
WARM_POLL_SECONDS = 2.0  # a cheap check of the served key


class RiskGroup(BaseModel):
    """One group: its rule, size, predicted attainment with interval, drivers and actions."""

    group_id: str
    rule_id: str
    rule_en: str
    people: int
    predicted: float
    predicted_low: float
    predicted_high: float
    org_predicted: float
    gap: float
    drivers_id: str
    drivers_en: str
    interventions_id: str
    interventions_en: str


class TrendCell(BaseModel):
    """Predicted vs actual attainment of one group in one past quarter (None when hidden)."""

    quarter: str
    group: str
    people: int | None
    predicted: float | None
    actual: float | None
    suppressed: bool


class RiskGroups(BaseModel):
    """The caller's view: all groups, or a unit head's own unit's part of each group."""

    model_version: str
    as_of: str
    threshold: int
    unit: str | None
    people: int | None
    org_predicted: float
    scope_predicted: float | None
    groups_shown: int
    people_in_groups: int
    groups: list[RiskGroup]
    trend: list[TrendCell]
    trend_pending: bool = False


def computation(services: Any, serving: Any) -> tuple:
    """(key, groups, history) of the served state, as ``RiskCache.get`` takes them."""
    # The server's id keeps apps apart (tests run several in one process).
    key = (id(services.server), serving.version, serving.data_version, serving.as_of)

    def groups():
        return analyse(serving.recommender, serving.ctx, None)

    def history():
        frames = load_model_frames(services.engine, services.pseudonym_key)
        return trend_of(serving.recommender, frames, serving.ctx.snap.as_of, TREND_QUARTERS)

    return key, groups, history


def start_precompute(services: Any, stop: threading.Event) -> threading.Thread:
    """Precompute the analysis whenever the served model or data version changes."""
    return keep_warm(cache, services.server, lambda state: computation(services, state), stop,
                     WARM_POLL_SECONDS)


@router.get("/risk-groups", response_model=RiskGroups,
            responses={503: {"description": "no model loaded"}})
def risk_groups(user: CurrentUser, services: ServicesDep, serving: ServingDep,
                threshold: Annotated[int, Query(ge=DEFAULT_THRESHOLD, le=1000,
                                                description="fewest people shown")]
                = DEFAULT_THRESHOLD) -> RiskGroups:
    """Groups at risk of low participation; a unit head sees only their own unit's members."""
    unit = None if user.all_units else (user.unit or "")
    analysis = cache.get(*computation(services, serving))
    data = to_dashboard(analysis, unit, threshold)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "risk_groups_view", "unit", unit or "*",
                     {"model_version": serving.version, "groups": data["groups_shown"]})
    return RiskGroups(model_version=serving.version, trend_pending=cache.trend_pending(analysis),
                      **data)
