"""The served model: version and status, its card, and reloading the champion (admin)."""

from __future__ import annotations

import threading
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from service import audit
from service.api.deps import AdminUser, CurrentUser, ServicesDep, ServingDep
from service.api.errors import ApiError
from service.api.schemas.operations import ModelInfo, ReloadResult

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
