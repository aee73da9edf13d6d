"""Liveness and readiness."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from service.api.deps import ServicesDep
from service.api.schemas.operations import Health

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", response_model=Health)
async def live() -> Health:
    """The process answers."""
    return Health(status="ok")


@router.get("/ready", response_model=Health, responses={503: {"model": Health}})
def ready(services: ServicesDep):
    """Ready when the database answers and a verified model is loaded; 503 with the reason."""
    try:
        with services.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        database = True
    except sa.exc.SQLAlchemyError as exc:
        database, reason = False, f"database unavailable ({type(exc).__name__})"
    state = services.server.state
    if database and state is not None:
        return Health(status="ok", database=True, model_version=state.version)
    if database:
        reason = "no model loaded: " + (services.server.status().last_error
                                        or "no champion registered yet")
    body = Health(status="unavailable", database=database,
                  model_version=state.version if state else None, reason=reason)
    return JSONResponse(body.model_dump(), 503,
                        headers={"Retry-After": str(services.settings.retry_after_seconds)})
