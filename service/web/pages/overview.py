"""The overview: JP compliance this year, participants by quarter, budget used, model version."""

from __future__ import annotations

from fastapi import APIRouter, Request

from service.api.deps import ServicesDep
from service.web import figures
from service.web.charts import Bar, columns
from service.web.i18n import language_of, translate
from service.web.rendering import render
from service.web.session import WebUser

router = APIRouter()


@router.get("/")
def overview(request: Request, user: WebUser, services: ServicesDep):
    lang = language_of(request)
    year = figures.reference_year(services.server)
    with services.engine.connect() as conn:
        staff = figures.staff_jp(conn, user, year, figures.duty_config(services.server))
        trend = figures.participation_by_quarter(conn, user, year)
        budget = figures.budget_used(conn, user, year)
    chart = columns([Bar(r["quarter"], r["participants"], str(r["participants"])) for r in trend],
                    title=translate(lang, "overview.trend_title"),
                    desc=translate(lang, "overview.trend_desc", quarters=len(trend)))
    state = services.server.state
    return render(request, "overview.html", user, year=year,
                  compliance=figures.compliance(staff), trend=trend, trend_chart=chart,
                  budget=budget, version=state.version if state else None,
                  as_of=state.as_of if state else None)
