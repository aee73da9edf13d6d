"""The model: served version, metrics, model card, versions with drift and gates (fairness
included), HR's decisions on its suggestions (``service.decision_stats``, through the API's
route: the same unit scope and suppression); for admins: reload, promote a version, roll back,
and retrain a quarter."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from model import quarters, registry
from service import audit, retraining
from service.api.deps import ServicesDep, serving
from service.api.routes import decisions, model_version
from service.settings import get_settings
from service.web.rendering import render
from service.retrain_jobs import JOB
from service.web.session import Csrf, WebAdmin, WebError, WebUser

router = APIRouter(prefix="/model")
log = logging.getLogger(__name__)
HEADLINE = ("model.", "engagement.")  # the served model's own metrics (not the baselines')
NOTICES = ("model.reloaded", "model.rolled_back", "model.promoted", "model.retrain_started",
           "model.retrain_busy", "model.no_previous")


def _versions() -> tuple[list[dict], bool]:
    """The registry's versions (drift, gates, status), or ([], False) when unreachable."""
    try:
        return retraining.version_rows(), True
    except Exception as exc:  # an unreachable registry must not break the page
        log.warning("model registry unavailable: %s", type(exc).__name__)
        return [], False


@router.get("")
def model_page(request: Request, user: WebUser, services: ServicesDep,
               notice: Annotated[str | None, Query(max_length=40)] = None):
    info = model_version.info(user, services)
    versions, reachable = _versions()
    default_quarter = quarters.shift(info.as_of, -1) if info.as_of else ""
    headline = {k: v for k, v in info.metrics.items() if k.startswith(HEADLINE)}
    stats = decisions.decision_stats(user, services)
    return render(request, "model.html", user, info=info, versions=versions, headline=headline,
                  stats=stats,
                  registry_ok=reachable, job=JOB, default_quarter=default_quarter,
                  notice=notice if notice in NOTICES else None)


@router.get("/card")
def card(user: WebUser, services: ServicesDep):
    """The served version's model card (HTML, as registered with the version)."""
    loaded = serving(services).loaded
    if not loaded.card_html:
        raise WebError(404, "model.no_card")
    return HTMLResponse(loaded.card_html)


def _reload(services) -> None:
    services.server.load_champion(force=False)


@router.post("/reload", dependencies=[Csrf])
def reload(user: WebAdmin, services: ServicesDep):
    model_version.reload(user, services, force=False)
    return RedirectResponse("/ui/model?notice=model.reloaded", 303)


@router.post("/rollback", dependencies=[Csrf])
def rollback(user: WebAdmin, services: ServicesDep):
    """Put the previous champion back and serve it."""
    try:
        champion, rolled = retraining.rollback(user.username)
    except ValueError:
        return RedirectResponse("/ui/model?notice=model.no_previous", 303)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "model_rollback", "model", champion,
                     {"rolled_back": rolled})
    _reload(services)
    return RedirectResponse("/ui/model?notice=model.rolled_back", 303)


@router.post("/promote", dependencies=[Csrf])
def promote(user: WebAdmin, services: ServicesDep,
            version: Annotated[str, Form(min_length=1, max_length=16, pattern=r"^[0-9]+$")]):
    """Make a registered version the champion (its checksum verified) and serve it."""
    settings = get_settings()
    client = registry.client_for(settings.tracking_uri, settings.artifact_root)
    try:
        registry.promote(client, version)
    except registry.ChecksumError:
        raise WebError(409, "model.checksum_failed") from None
    except Exception as exc:
        if "not found" in str(exc).lower() or "RESOURCE_DOES_NOT_EXIST" in str(exc):
            raise WebError(404, "error.not_found") from None
        raise
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "model_promote", "model", version, {})
    _reload(services)
    return RedirectResponse("/ui/model?notice=model.promoted", 303)


@router.post("/retrain", dependencies=[Csrf])
def retrain(user: WebAdmin, services: ServicesDep,
            quarter: Annotated[str, Form(min_length=6, max_length=8)]):
    """Start retraining on the data up to ``quarter`` (in the background)."""
    try:
        label = "%dQ%d" % quarters.parse_quarter(quarter)
    except ValueError:
        raise WebError(422, "model.bad_quarter", quarter) from None

    def run(progress):
        return retraining.retrain(services.engine, label, progress=progress, actor=user.username)

    def after(result) -> None:
        if result.status == "promoted":
            _reload(services)

    started = JOB.start(label, user.username, run, after)
    if started:
        with services.engine.begin() as conn:
            audit.record(conn, user.username, "model_retrain", "model", None, {"quarter": label})
    return RedirectResponse(
        f"/ui/model?notice={'model.retrain_started' if started else 'model.retrain_busy'}", 303)

