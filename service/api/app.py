"""The FastAPI application: ``create_app()``; services and the model are set up in the lifespan."""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager

import anyio
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from service import audit
from service.api import errors
from service.api.deps import Services
from service.api.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware, TimeoutMiddleware
from service.api.openapi import document_errors
from service.api.routes import ROUTERS, risk_groups
from service.api.routes import plans as plan_routes
from service.api.settings import ApiSettings, get_api_settings
from service.auth.rate_limit import LoginRateLimiter
from service.auth.tokens import secret_from_file
from service.exposure import ExposureLog
from service.model_inputs import load_model_frames
from service.model_serving import ModelServer
from service.model_source import ModelSource, RegistrySource
from service.pseudonym import load_key
from service.settings import get_settings
from service.web.mounting import mount as mount_web

log = logging.getLogger(__name__)
PREFIX = "/api/v1"
IMPORT_OVERHEAD_BYTES = 256 * 1024  # multipart boundaries and headers around the files


def build_services(engine: sa.Engine | None = None, source: ModelSource | None = None,
                   api: ApiSettings | None = None) -> Services:
    """Engine (migrated), secrets, the model server (not started) and the login limiter."""
    from service.storage.engine import get_engine, init_db

    settings, api = get_settings(), api or get_api_settings()
    engine = engine or get_engine()
    init_db(engine)
    key = load_key()
    source = source or RegistrySource(settings.tracking_uri, settings.artifact_root)

    def data_version() -> int:
        with engine.connect() as conn:
            return audit.last_change_id(conn)

    server = ModelServer(source, frames=lambda: load_model_frames(engine, key),
                         data_version=data_version, poll_seconds=api.model_poll_seconds,
                         rebuild_delay=api.context_rebuild_delay, precompute_k=api.precompute_k)
    limiter = LoginRateLimiter(api.login_max_failures, api.login_max_per_client,
                               api.login_window_seconds)
    exposure = ExposureLog(engine, key, batch_rows=api.exposure_batch_rows,
                           max_rows=api.exposure_max_rows,
                           flush_seconds=api.exposure_flush_seconds,
                           retention_days=api.exposure_retention_days)
    return Services(engine, server, key, secret_from_file("jwt_secret"), limiter, api, exposure)


def create_app(engine: sa.Engine | None = None, source: ModelSource | None = None,
               api: ApiSettings | None = None) -> FastAPI:
    """The API; by default on the settings' database, MLflow registry and API settings."""
    api = api or get_api_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        services = await anyio.to_thread.run_sync(build_services, engine, source, api)
        await anyio.to_thread.run_sync(services.server.start)
        services.exposure.start()
        app.state.services = services
        stop_precompute = threading.Event()
        risk_groups.start_precompute(services, stop_precompute)
        try:
            yield
        finally:
            stop_precompute.set()
            await anyio.to_thread.run_sync(services.server.stop)
            await anyio.to_thread.run_sync(services.exposure.stop)
            app.state.services = None

    app = FastAPI(title="asn-reco", version="1",
                  description="Training recommendations and engagement for the ASN of Kota Binjai. "
                              "The system suggests; a person decides (UU 27/2022 art. 10).",
                  lifespan=lifespan)
    errors.install(app, api.retry_after_seconds)
    for router in ROUTERS:
        app.include_router(router, prefix=PREFIX)
    app.include_router(risk_groups.router, prefix=PREFIX)
    app.include_router(plan_routes.router, prefix=PREFIX)
    mount_web(app)  # the HR dashboard under /ui (after the API's error handlers)
    # The schema states the error bodies and the 401/403/503 the dependencies raise.
    document_errors(app, (*ROUTERS, risk_groups.router, plan_routes.router), PREFIX)
    # Added innermost first: CORS sits inside the limits, the headers wrap everything.
    if api.cors_list:
        app.add_middleware(CORSMiddleware, allow_origins=api.cors_list, allow_credentials=False,
                           allow_methods=["GET", "POST", "PATCH"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(TimeoutMiddleware, seconds=api.request_timeout_seconds,
                       long={f"{PREFIX}/imports": api.import_timeout_seconds,
                             "/ui/imports": api.import_timeout_seconds},
                       retry_after=api.retry_after_seconds)
    app.add_middleware(BodyLimitMiddleware, limit=api.max_body_bytes,
                       large={prefix: get_settings().import_max_bytes + IMPORT_OVERHEAD_BYTES
                              for prefix in (f"{PREFIX}/imports", "/ui/imports")})
    app.add_middleware(SecurityHeadersMiddleware)
    return app
