"""Employees: search, a profile with gaps, history (training records outside the catalogue
included, with their match for HR to confirm or reject) and ranked suggestions, and HR decisions.

Everything goes through the API's own route functions (scoping, audit, the decision rules):
a unit head asking for another unit's employee gets the API's 404, shown as a page.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from model.glossary import REJECT_REASONS
from service.api.deps import ServicesDep
from service.api.errors import ApiError
from service.auth.roles import EDITORS
from service.api.routes import (decisions, employees, engagement, programs, recommendations,
                                training_records)
from service.api.schemas.decisions import DecisionCreate
from service.api.schemas.training_records import TrainingRecordReview
from service.web import suggestions
from service.web.charts import Bar, horizontal_bars
from service.web.i18n import language_of, translate
from service.web.rendering import render
from service.web.session import Csrf, WebEditor, WebError, WebUser

router = APIRouter(prefix="/employees")
EmployeeId = Annotated[str, Path(min_length=1, max_length=64)]
PAGE_SIZE = 25
DECISION_ERRORS = {404: "decision.not_found", 409: "decision.conflict", 422: "decision.invalid"}
RECORD_ERRORS = {404: "record.not_found", 422: "record.invalid"}
RECORD_DONE = {"confirm": "record.confirmed", "reject": "record.rejected"}
NOTICES = ("decision.accepted", "decision.rejected", *DECISION_ERRORS.values(),
           *RECORD_DONE.values(), *RECORD_ERRORS.values(), "record.unknown_program")


@router.get("")
def search(request: Request, user: WebUser, services: ServicesDep,
           q: Annotated[str | None, Query(max_length=100)] = None,
           page: Annotated[int, Query(ge=1, le=100_000)] = 1):
    """Employees the user may see, by name or NIP."""
    q = (q or "").strip() or None
    found = employees.list_employees(user, services, page=page, page_size=PAGE_SIZE, unit=None,
                                     job_kind=None, grade=None, q=q)
    pages = max(1, -(-found.total // PAGE_SIZE))
    return render(request, "employees.html", user, q=q or "", rows=found.items,
                  total=found.total, page=page, pages=pages)


def gap_chart(lang: str, gaps: list) -> object:
    """Assessed level (bar) against the required level (red tick), levels 0-5."""
    bars = [Bar((g.name_id if lang == "id" else g.name_en) or g.code, g.assessed_level or 0,
                f"{g.assessed_level if g.assessed_level is not None else '–'} / "
                f"{g.required_level if g.required_level is not None else '–'}",
                marker=g.required_level) for g in gaps]
    return horizontal_bars(bars, scale_max=5, title=translate(lang, "profile.gaps_title"),
                           desc=translate(lang, "profile.gaps_desc", count=len(bars)))


@router.get("/{employee_id}")
def profile(request: Request, employee_id: EmployeeId, user: WebUser, services: ServicesDep,
            notice: Annotated[str | None, Query(max_length=40)] = None):
    """One employee's profile and the served model's suggestions with reasons."""
    lang = language_of(request)
    person = employees.profile(employee_id, user, services, year=None)
    state = services.server.state
    ranked = engaged = None
    if state is not None:
        ranked = recommendations.recommend_for(employee_id, user, services, state, k=10,
                                               form=None, max_cost=None, quarter=None,
                                               surface="page")
        try:
            engaged = engagement.for_employee(employee_id, user, services, state, factors=False)
        except ApiError as exc:
            if exc.status != 404:
                raise
    with services.engine.connect() as conn:
        offers = suggestions.upcoming_offerings(conn, [i.program_id for i in ranked.items]
                                                if ranked else [], state)
        decided = suggestions.decisions_of(conn, employee_id)
    # The catalogue as choices for a record's program (HR may type any id beyond these).
    catalogue = (programs.list_programs(user, services, page=1, page_size=200).items
                 if user.role in EDITORS and person.training_records else [])
    return render(request, "profile.html", user, person=person, ranked=ranked, engaged=engaged,
                  offers=offers, decided=decided, gap_chart=gap_chart(lang, person.competency_gaps),
                  catalogue=catalogue, reject_reasons=REJECT_REASONS,
                  notice=notice if notice in NOTICES else None)


@router.post("/{employee_id}/decisions", dependencies=[Csrf])
def decide(employee_id: EmployeeId, user: WebUser, services: ServicesDep,
           program_id: Annotated[str, Form(min_length=1, max_length=64)],
           decision: Annotated[Literal["accepted", "rejected"], Form()],
           offering_id: Annotated[str, Form(max_length=64)] = "",
           reason_code: Annotated[str, Form(max_length=32)] = "",
           reason: Annotated[str, Form(max_length=1000)] = ""):
    """Record an accept/reject with the API's decision code, then back to the profile. A
    reason code chosen before pressing Accept is not a reason for accepting: it is dropped."""
    try:
        body = DecisionCreate(employee_id=employee_id, program_id=program_id,
                              offering_id=offering_id or None, decision=decision,
                              reason_code=(reason_code or None) if decision == "rejected" else None,
                              reason=reason.strip() or None)
    except ValidationError:
        raise WebError(422, "decision.invalid") from None
    try:
        decisions.decide(body, user, services)
        notice = f"decision.{decision}"
    except ApiError as exc:
        if exc.status == 404 and "employee" in exc.detail:
            raise
        notice = DECISION_ERRORS.get(exc.status, "decision.invalid")
    return RedirectResponse(f"/ui/employees/{employee_id}?notice={notice}#suggestions", 303)


@router.post("/{employee_id}/training-records", dependencies=[Csrf])
def review_record(employee_id: EmployeeId, user: WebEditor, services: ServicesDep,
                  title: Annotated[str, Form(min_length=1, max_length=500)],
                  start_date: Annotated[dt.date, Form()],
                  action: Annotated[Literal["confirm", "reject"], Form()],
                  program_id: Annotated[str, Form(max_length=64)] = "",
                  reason: Annotated[str, Form(max_length=1000)] = ""):
    """Confirm or reject a training record's match with the API's review code, then back to
    the profile."""
    try:
        body = TrainingRecordReview(employee_id=employee_id, title=title, start_date=start_date,
                                    action=action, program_id=program_id.strip() or None,
                                    reason=reason.strip() or None)
    except ValidationError:
        raise WebError(422, "record.invalid") from None
    try:
        training_records.review(body, user, services)
        notice = RECORD_DONE[action]
    except ApiError as exc:
        notice = ("record.unknown_program" if "unknown program" in exc.detail
                  else RECORD_ERRORS.get(exc.status, "record.invalid"))
    return RedirectResponse(f"/ui/employees/{employee_id}?notice={notice}#records", 303)
