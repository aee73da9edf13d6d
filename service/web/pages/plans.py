"""The quarter's training plan: build, review (remove/lock lines, solve again), approve, export.

Every action calls the API's plan route functions (``service/plans/`` underneath), so the
rules, the unit scope and the audit trail are the API's.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from service.api.deps import ServicesDep, serving
from service.api.routes import plans as plan_routes
from service.web.i18n import language_of
from service.web.rendering import render
from service.web.session import Csrf, WebEditor, WebError, WebUser

router = APIRouter(prefix="/plans")
PlanId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
LineId = Annotated[int, Path(ge=1)]
NOTICES = ("plan.created", "plan.solved", "plan.approved", "plan.line_changed")


@router.get("")
def plan_list(request: Request, user: WebEditor, services: ServicesDep):
    state = services.server.state
    return render(request, "plans.html", user,
                  plans=plan_routes.list_all(user, services, limit=50),
                  quarter=state.as_of if state else "")


@router.post("", dependencies=[Csrf])
def create(user: WebEditor, services: ServicesDep,
           budget_idr: Annotated[float, Form(ge=0, le=1e13)],
           quarter: Annotated[str, Form(max_length=8)] = "",
           max_per_person: Annotated[int, Form(ge=1, le=10)] = 1):
    """Solve a draft plan for the budget with the served model."""
    try:
        body = plan_routes.PlanCreate(budget_idr=budget_idr, quarter=quarter.strip() or None,
                                      max_per_person=max_per_person)
    except ValidationError:
        raise WebError(422, "error.invalid") from None
    made = plan_routes.create(body, user, services, serving(services))
    return RedirectResponse(f"/ui/plans/{made.plan_id}?notice=plan.created", 303)


@router.get("/{plan_id}")
def plan_page(request: Request, plan_id: PlanId, user: WebUser, services: ServicesDep,
              notice: Annotated[str | None, Query(max_length=40)] = None):
    """A plan with its lines (a unit head sees their own unit's lines)."""
    plan = plan_routes.view(plan_id, user, services)
    live = [line for line in plan.lines if line.state != "removed"]
    return render(request, "plan.html", user, plan=plan, live=len(live),
                  jp=sum(line.jp for line in live),
                  notice=notice if notice in NOTICES else None)


@router.post("/{plan_id}/lines/{line_id}", dependencies=[Csrf])
def edit_line(plan_id: PlanId, line_id: LineId, user: WebEditor, services: ServicesDep,
              action: Annotated[Literal["remove", "lock", "unlock"], Form()]):
    plan_routes.edit(plan_id, line_id, plan_routes.LineEdit(action=action), user, services)
    return RedirectResponse(f"/ui/plans/{plan_id}?notice=plan.line_changed#line-{line_id}", 303)


@router.post("/{plan_id}/solve", dependencies=[Csrf])
def solve(plan_id: PlanId, user: WebEditor, services: ServicesDep):
    plan_routes.solve_again(plan_id, user, services, serving(services))
    return RedirectResponse(f"/ui/plans/{plan_id}?notice=plan.solved", 303)


@router.post("/{plan_id}/approve", dependencies=[Csrf])
def approve(plan_id: PlanId, user: WebEditor, services: ServicesDep):
    plan_routes.approve(plan_id, user, services)
    return RedirectResponse(f"/ui/plans/{plan_id}?notice=plan.approved", 303)


@router.get("/{plan_id}/export")
def export(request: Request, plan_id: PlanId, user: WebUser, services: ServicesDep,
           format: Annotated[Literal["csv", "xlsx"], Query()] = "xlsx"):
    """The plan sheet in the page's language."""
    return plan_routes.export(plan_id, user, services, format=format,
                              language=language_of(request))
