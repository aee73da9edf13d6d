"""Employees: search, a profile with gaps, history and ranked suggestions, and HR decisions.

Everything goes through the API's own route functions (scoping, audit, the decision rules):
a unit head asking for another unit's employee gets the API's 404, shown as a page.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from service.api.deps import ServicesDep
from service.api.errors import ApiError
from service.api.routes import decisions, employees, engagement, recommendations
from service.api.schemas.decisions import DecisionCreate
from service.web import suggestions
from service.web.charts import Bar, horizontal_bars
from service.web.i18n import language_of, translate
from service.web.rendering import render
from service.web.session import Csrf, WebError, WebUser

router = APIRouter(prefix="/employees")
EmployeeId = Annotated[str, Path(min_length=1, max_length=64)]
PAGE_SIZE = 25
DECISION_ERRORS = {404: "decision.not_found", 409: "decision.conflict", 422: "decision.invalid"}
NOTICES = ("decision.accepted", "decision.rejected", *DECISION_ERRORS.values())


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
        ranked = recommendations.for_employee(employee_id, user, services, state, k=10,
                                              form=None, max_cost=None, quarter=None)
        try:
            engaged = engagement.for_employee(employee_id, user, services, state, factors=False)
        except ApiError as exc:
            if exc.status != 404:
                raise
    with services.engine.connect() as conn:
        offers = suggestions.upcoming_offerings(conn, [i.program_id for i in ranked.items]
                                                if ranked else [], state)
        decided = suggestions.decisions_of(conn, employee_id)
    return render(request, "profile.html", user, person=person, ranked=ranked, engaged=engaged,
                  offers=offers, decided=decided, gap_chart=gap_chart(lang, person.competency_gaps),
                  notice=notice if notice in NOTICES else None)


@router.post("/{employee_id}/decisions", dependencies=[Csrf])
def decide(employee_id: EmployeeId, user: WebUser, services: ServicesDep,
           program_id: Annotated[str, Form(min_length=1, max_length=64)],
           decision: Annotated[Literal["accepted", "rejected"], Form()],
           offering_id: Annotated[str, Form(max_length=64)] = "",
           reason: Annotated[str, Form(max_length=1000)] = ""):
    """Record an accept/reject with the API's decision code, then back to the profile."""
    try:
        body = DecisionCreate(employee_id=employee_id, program_id=program_id,
                              offering_id=offering_id or None, decision=decision,
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
