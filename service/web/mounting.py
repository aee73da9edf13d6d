"""Mounting the dashboard on the API's FastAPI app: pages under ``/ui``, assets, error pages.

Errors raised on a page (the API's own ``ApiError`` from the reused service code, validation
errors, ``WebError``) are shown as an HTML page in the user's language; the API keeps its JSON.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from service.api.errors import ApiError
from service.web.rendering import render
from service.web.session import LoginRequired, WebError

PREFIX = "/ui"
STATIC = Path(__file__).parent / "static"
STATUS_KEYS = {400: "error.bad_request", 403: "error.forbidden", 404: "error.not_found",
               409: "error.conflict", 413: "error.too_large", 422: "error.invalid",
               429: "error.too_many", 503: "error.unavailable"}


def _is_page(request: Request) -> bool:
    return request.url.path == PREFIX or request.url.path.startswith(f"{PREFIX}/")


def error_page(request: Request, status: int, key: str | None, detail: str | None):
    """The error page (the user is not looked up again: the page shows no menu)."""
    key = key or STATUS_KEYS.get(status, "error.bad_request")
    response = render(request, "error.html", None, status, status_code=status, message_key=key,
                      detail=detail)
    if status in (429, 503):
        response.headers["Retry-After"] = "5"
    return response


def mount(app: FastAPI) -> None:
    """Add the pages, the static assets and the page error handlers to ``app``."""
    from service.web.pages import (
        akpk,
        employees,
        imports,
        login,
        model_info,
        overview,
        plans,
        risk,
        running,
        units,
    )

    for module in (login, overview, employees, units, risk, running, plans, akpk, imports,
                   model_info):
        app.include_router(module.router, prefix=PREFIX, include_in_schema=False)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="web-static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", 307)

    api_error = app.exception_handlers[ApiError]
    invalid = app.exception_handlers[RequestValidationError]

    async def on_api_error(request: Request, exc: ApiError):
        if not _is_page(request):
            return await api_error(request, exc)
        return error_page(request, exc.status, None, exc.detail)

    async def on_invalid(request: Request, exc: RequestValidationError):
        if not _is_page(request):
            return await invalid(request, exc)
        fields = ", ".join(str(e.get("loc", ("?",))[-1]) for e in exc.errors()[:5])
        return error_page(request, 422, "error.invalid", fields)

    async def on_web_error(request: Request, exc: WebError):
        return error_page(request, exc.status, exc.key, exc.detail)

    async def on_login_required(request: Request, exc: LoginRequired):
        target = f"{PREFIX}/login?next={quote(exc.next_path, safe='')}"
        if exc.reason:
            target += f"&why={exc.reason}"
        return RedirectResponse(target, 303)

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(WebError, on_web_error)
    app.add_exception_handler(LoginRequired, on_login_required)
