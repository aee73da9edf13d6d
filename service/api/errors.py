"""Exception handlers: every bad request is a 4xx with a clear message, a busy DB a 503."""

from __future__ import annotations

import logging
import traceback

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error with an HTTP status and a message meant for the user."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def _validation_message(err: dict) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",))
    return f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid")


def install(app: FastAPI, retry_after: int) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        # The offending input is echoed only as the field name: it may be a NIP or a password.
        clean = [{"loc": e.get("loc"), "msg": e.get("msg"), "type": e.get("type")} for e in errors]
        message = "; ".join(_validation_message(e) for e in errors[:5])
        return JSONResponse({"detail": f"invalid request: {message}",
                             "errors": jsonable_encoder(clean)}, 422)

    @app.exception_handler(OperationalError)
    async def db_busy(_request: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database unavailable: %s", type(exc.orig).__name__ if exc.orig else "")
        return JSONResponse({"detail": "the database is busy or unavailable; try again shortly"},
                            503, headers={"Retry-After": str(retry_after)})

    @app.exception_handler(IntegrityError)
    async def conflict(_request: Request, _exc: IntegrityError) -> JSONResponse:
        return JSONResponse({"detail": "the change conflicts with existing data "
                                       "(a duplicate key or an unknown reference)"}, 409)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # The class and where it was raised, not the message: a message could quote data.
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        log.error("unexpected error %s at %s", type(exc).__name__,
                  f"{where.filename}:{where.lineno}" if where else "?")
        return JSONResponse({"detail": "internal error; it has been logged"}, 500)
