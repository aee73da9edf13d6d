"""Risk groups: who is unlikely to reach the JP duty, why, and what to do (``service/risk.py``
through the API's route, so the unit scope and small-cell suppression are the same)."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter, Request

from model.suppression import DEFAULT_THRESHOLD
from service.api.deps import ServicesDep, serving
from service.api.routes import risk_groups
from service.web.charts import Bar, horizontal_bars
from service.web.formatting import percent
from service.web.i18n import language_of, translate
from service.web.rendering import render
from service.web.session import WebUser

router = APIRouter()


def group_chart(lang: str, data) -> object:
    """Each group's mean P(reaching the duty) with its interval; dashed: the organisation."""
    bars = [Bar(f"{g.group_id} · {g.rule_id if lang == 'id' else g.rule_en}", g.predicted,
                percent(g.predicted, lang), low=g.predicted_low, high=g.predicted_high)
            for g in data.groups]
    return horizontal_bars(bars, scale_max=1.0, reference=data.org_predicted,
                           title=translate(lang, "risk.chart_title"),
                           desc=translate(lang, "risk.chart_desc", groups=len(bars),
                                          org=percent(data.org_predicted, lang)))


def trend_table(data) -> tuple[list[str], list[dict]]:
    """Quarters and, per group, the predicted/actual share per quarter (None when hidden)."""
    quarters = sorted({c.quarter for c in data.trend})
    by_group: dict[str, dict] = defaultdict(dict)
    for c in data.trend:
        by_group[c.group][c.quarter] = c
    return quarters, [{"group": g, "cells": cells} for g, cells in sorted(by_group.items())]


@router.get("/risk-groups")
def risk_page(request: Request, user: WebUser, services: ServicesDep):
    lang = language_of(request)
    data = risk_groups.risk_groups(user, services, serving(services), threshold=DEFAULT_THRESHOLD)
    quarters, trend = trend_table(data)
    return render(request, "risk.html", user, data=data, chart=group_chart(lang, data),
                  quarters=quarters, trend=trend)
