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
from service.risk import RiskAnalysis, analyse, to_dashboard

router = APIRouter(tags=["risk groups"])
_lock = threading.Lock()
_cache: dict[tuple, RiskAnalysis] = {}


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


def _analysis(services: Any, serving: Any) -> RiskAnalysis:
    """One analysis per model version and data version (the trend scores 8 past quarters)."""
    key = (serving.version, serving.data_version, serving.as_of)
    with _lock:
        if key not in _cache:
            frames = load_model_frames(services.engine, services.pseudonym_key)
            _cache.clear()
            _cache[key] = analyse(serving.recommender, serving.ctx, frames)
        return _cache[key]


@router.get("/risk-groups", response_model=RiskGroups,
            responses={503: {"description": "no model loaded"}})
def risk_groups(user: CurrentUser, services: ServicesDep, serving: ServingDep,
                threshold: Annotated[int, Query(ge=DEFAULT_THRESHOLD, le=1000,
                                                description="fewest people shown")]
                = DEFAULT_THRESHOLD) -> RiskGroups:
    """Groups at risk of low participation; a unit head sees only their own unit's members."""
    unit = None if user.all_units else (user.unit or "")
    data = to_dashboard(_analysis(services, serving), unit, threshold)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "risk_groups_view", "unit", unit or "*",
                     {"model_version": serving.version, "groups": data["groups_shown"]})
    return RiskGroups(model_version=serving.version, **data)
