"""Running trainings: enrolments ranked by their risk of not completing as of a day (role-aware)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query
from pydantic import BaseModel

from model.slipping import NoCheckpointEngine
from model.suppression import DEFAULT_THRESHOLD
from service import audit
from service.api import people
from service.api.deps import CurrentUser, ServicesDep, ServingDep
from service.api.errors import ApiError
from service.model_inputs import load_model_frames
from service.pseudonym import person_key
from service.running import RunningAnalysis, RunningCache, analyse, summary

router = APIRouter(tags=["running trainings"])
cache = RunningCache()


class RunningEnrolment(BaseModel):
    """One enrolment of a training under way: its risk now and at the previous check, why, and
    what to do."""

    employee_id: str
    name: str | None
    unit: str | None
    program_id: str
    offering_id: str
    risk: float
    risk_before: float | None
    change: float | None
    checks_due: int
    last_check: dt.date | None
    factors_id: str
    factors_en: str
    action_id: str
    action_en: str


class RunningOffering(BaseModel):
    """A running offering's people in the caller's view and their mean risk (at least
    ``threshold`` people)."""

    program_id: str
    offering_id: str
    people: int
    mean_risk: float
    slipping: int


class RunningEnrolments(BaseModel):
    """The caller's view of the running trainings on ``on``, highest risk first."""

    model_version: str
    on: dt.date
    unit: str | None
    threshold: int
    total: int
    slipping: int
    enrolments: list[RunningEnrolment]
    offerings: list[RunningOffering]


def _num(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)


def computation(services: Any, serving: Any, on: dt.date | None) -> RunningAnalysis:
    """The analysis of the served model and data on ``on`` (cached until either changes)."""
    key = (id(services.server), serving.version, serving.data_version)
    day = None if on is None else dt.date.isoformat(on)

    def compute() -> RunningAnalysis:
        frames = load_model_frames(services.engine, services.pseudonym_key)
        try:
            return analyse(serving.recommender, frames, day, DEFAULT_THRESHOLD)
        except NoCheckpointEngine as err:
            raise ApiError(409, str(err)) from err

    return cache.get(key, day, compute)


@router.get("/running-enrolments", response_model=RunningEnrolments,
            responses={409: {"description": "the model has no checkpoint engine"},
                       503: {"description": "no model loaded"}})
def running_enrolments(
        user: CurrentUser, services: ServicesDep, serving: ServingDep,
        on: Annotated[dt.date | None, Query(description="the day (default: the latest date in "
                                                        "the imported data, at most today)")] = None,
        unit: Annotated[str | None, Query(max_length=200, description="one unit (a unit head "
                                                                      "sees only their own)")]
        = None,
        limit: Annotated[int, Query(ge=1, le=5000)] = 200) -> RunningEnrolments:
    """Enrolments in trainings under way, ranked by risk of not completing as of ``on``, each
    with its progress in words, its change since the previous check and the playbook's action.
    A unit head sees their own unit only; offerings of fewer than 10 people are not summarised,
    and what a cohort of fewer than 10 did is not described."""
    if on is not None and on > dt.date.today():
        raise ApiError(422, "on: cannot be in the future")
    analysis = computation(services, serving, on)
    with services.engine.connect() as conn:
        visible = people.matching(conn, user, unit=unit, active_only=False)
    by_key = {person_key(r["employee_id"], services.pseudonym_key): r for r in visible}
    rows = analysis.rows[analysis.rows["person_key"].isin(by_key)]
    shown = rows.head(limit)
    out = []
    for r in shown.to_dict("records"):
        emp = by_key[r["person_key"]]
        out.append(RunningEnrolment(
            employee_id=emp["employee_id"], name=emp.get("name"), unit=emp.get("unit"),
            program_id=str(r["program_id"]), offering_id=str(r["offering_id"]),
            risk=float(r["risk"]), risk_before=_num(r["risk_before"]), change=_num(r["change"]),
            checks_due=int(_num(r["checks_due"]) or 0),
            last_check=None if pd.isna(r["last_check"]) else r["last_check"],
            factors_id=r["factors_id"], factors_en=r["factors_en"], action_id=r["action_id"],
            action_en=r["action_en"]))
    with services.engine.begin() as conn:
        audit.record_many(conn, user.username, "running_view", "employee",
                          [e.employee_id for e in out],
                          {"model_version": serving.version, "on": str(analysis.day.date())})
    scope = None if user.all_units else user.unit
    return RunningEnrolments(
        model_version=serving.version, on=analysis.day.date(), unit=unit or scope,
        threshold=DEFAULT_THRESHOLD, total=len(rows), slipping=int((rows["change"] > 0).sum()),
        enrolments=out,
        offerings=[RunningOffering(**o) for o in summary(rows, DEFAULT_THRESHOLD)])
