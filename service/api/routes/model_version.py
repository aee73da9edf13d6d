"""The served model: version and status, its card; reloading, retraining and rollback (admin)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from model import quarters
from service import audit, retraining
from service.api.deps import AdminUser, CurrentUser, ServicesDep, ServingDep
from service.api.errors import ApiError
from service.api.schemas.operations import ModelInfo, ReloadResult
from service.retrain_jobs import JOB

router = APIRouter(prefix="/model", tags=["model"])


@router.get("", response_model=ModelInfo)
def info(user: CurrentUser, services: ServicesDep) -> ModelInfo:
    """Serving version, as_of, metrics, load status and the last load error."""
    status = services.server.status()
    s = status.serving
    return ModelInfo(
        status="serving" if s else "not_loaded", version=s.version if s else None,
        champion=status.champion, run_id=s.loaded.run_id if s else None,
        sha256=s.loaded.sha256 if s else None, as_of=s.as_of if s else None,
        metrics=s.loaded.metrics if s else {}, loaded_at=s.loaded_at if s else None,
        context_built_at=s.context_built_at if s else None,
        data_version=s.data_version if s else None, last_error=status.last_error,
        last_error_at=status.last_error_at, last_check_at=status.last_check_at)


@router.get("/card", response_class=PlainTextResponse,
            responses={200: {"content": {"text/markdown": {}, "text/html": {}}}, 404: {}})
def card(user: CurrentUser, serving: ServingDep,
         format: Annotated[Literal["markdown", "html"], Query()] = "markdown"):
    """The model card of the served version (Markdown or HTML)."""
    loaded = serving.loaded
    text = loaded.card_markdown if format == "markdown" else loaded.card_html
    if text is None:
        raise ApiError(404, f"version {loaded.version} has no {format} model card")
    if format == "html":
        return HTMLResponse(text)
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8")


@router.post("/reload", response_model=ReloadResult,
             responses={202: {"model": ReloadResult, "description": "still loading; see GET /model"}})
def reload(admin: AdminUser, services: ServicesDep,
           force: Annotated[bool, Query(description="reload even if the version is unchanged")] = False,
           ):
    """Check the champion alias now and load it when it changed (the old model serves on failure).

    A load that takes longer than about half the request time limit goes on in the background
    and the answer is 202 ``loading``.
    """
    done, box = threading.Event(), {}

    def run() -> None:
        box["outcome"] = services.server.load_champion(force=force)
        done.set()

    threading.Thread(target=run, name="model-reload", daemon=True).start()
    if not done.wait(services.settings.request_timeout_seconds / 2):
        with services.engine.begin() as conn:
            audit.record(conn, admin.username, "model_reload", "model", None, {"outcome": "loading"})
        status = services.server.status()
        body = ReloadResult(outcome="loading", version=status.serving.version if status.serving else None,
                            last_error=status.last_error)
        return JSONResponse(body.model_dump(), 202)
    outcome = box["outcome"]
    status = services.server.status()
    with services.engine.begin() as conn:
        audit.record(conn, admin.username, "model_reload", "model",
                     status.serving.version if status.serving else None, {"outcome": outcome})
    return ReloadResult(outcome=outcome, version=status.serving.version if status.serving else None,
                        last_error=status.last_error)


class RetrainRequest(BaseModel):
    """Retrain on the data up to ``quarter``; ``force`` overrides the data-sanity and drift
    blocks (recorded with who forced it)."""

    quarter: str = Field(pattern=r"^[0-9]{4}\s*-?\s*[Qq][1-4]$", examples=["2026Q3"])
    force: bool = False


class RetrainStatus(BaseModel):
    """The latest retraining started from the dashboard or the API."""

    quarter: str | None
    actor: str | None
    running: bool
    step: str
    status: str | None = Field(description="promoted, rejected, skipped or failed")
    message: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


def _job_status() -> RetrainStatus:
    j = JOB
    return RetrainStatus(quarter=j.quarter, actor=j.actor, running=j.running, step=j.step,
                         status=j.status, message=j.message, started_at=j.started_at,
                         finished_at=j.finished_at)


@router.post("/retrain", response_model=RetrainStatus, status_code=202,
             responses={409: {"description": "a retraining is already running"}})
def retrain(body: RetrainRequest, admin: AdminUser, services: ServicesDep) -> RetrainStatus:
    """Start a quarterly retraining in the background (see ``GET /model/retrain``).

    The challenger is promoted only if the gates pass; the service then serves it.
    """
    label = "%dQ%d" % quarters.parse_quarter(body.quarter)

    def run(progress):
        return retraining.retrain(services.engine, label, force=body.force, progress=progress,
                                  actor=admin.username)

    def after(result) -> None:
        if result.status == "promoted":
            services.server.load_champion(force=False)

    if not JOB.start(label, admin.username, run, after):
        raise ApiError(409, f"a retraining of {JOB.quarter} started by {JOB.actor} is running")
    with services.engine.begin() as conn:
        audit.record(conn, admin.username, "model_retrain", "model", None,
                     {"quarter": label, "force": body.force})
    return _job_status()


@router.get("/retrain", response_model=RetrainStatus)
def retrain_status(admin: AdminUser) -> RetrainStatus:
    """Progress and outcome of the latest retraining."""
    return _job_status()


class RollbackResult(BaseModel):
    """The champion after a rollback and the version that was rolled back."""

    champion: str
    rolled_back: str | None


@router.post("/rollback", response_model=RollbackResult, responses={409: {}})
def rollback(admin: AdminUser, services: ServicesDep) -> RollbackResult:
    """Put the ``previous`` version back as champion and serve it."""
    try:
        champion, rolled = retraining.rollback(admin.username)
    except ValueError as exc:
        raise ApiError(409, str(exc)) from None
    with services.engine.begin() as conn:
        audit.record(conn, admin.username, "model_rollback", "model", champion,
                     {"rolled_back": rolled})
    services.server.load_champion(force=False)
    return RollbackResult(champion=str(champion), rolled_back=None if rolled is None else str(rolled))
