"""Logging in and out of the dashboard (the API's login, its token kept in a cookie)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from service.api.deps import ServicesDep
from service.api.errors import ApiError
from service.api.routes import auth
from service.api.schemas.auth import LoginRequest
from service.web.rendering import render
from service.web.session import Csrf, clear_session, set_session

router = APIRouter()
LOGIN_ERRORS = {401: "login.wrong", 429: "login.too_many"}


def safe_next(target: str | None) -> str:
    """Only a dashboard path: never another site (``//evil``) after login."""
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/"


@router.get("/login")
def login_form(request: Request, next: str | None = None, why: str | None = None):
    reason = why if why in ("login.expired",) else None
    return render(request, "login.html", next=safe_next(next), error_key=reason)


@router.post("/login", dependencies=[Csrf])
def login(request: Request, services: ServicesDep,
          username: Annotated[str, Form(max_length=200)] = "",
          password: Annotated[str, Form(max_length=1000)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/ui/"):
    """Check the password with the API's login; on success set the session cookie."""
    target = safe_next(next)
    try:
        body = LoginRequest(username=username, password=password)
        token = auth.login(body, request, services)
    except ValidationError:
        return render(request, "login.html", status=422, next=target, error_key="login.missing",
                      username=username)
    except ApiError as exc:
        response = render(request, "login.html", status=exc.status, next=target,
                          error_key=LOGIN_ERRORS.get(exc.status, "login.wrong"),
                          username=username)
        if exc.headers and "Retry-After" in exc.headers:
            response.headers["Retry-After"] = exc.headers["Retry-After"]
        return response
    response = RedirectResponse(target, 303)
    set_session(response, request, token.access_token,
                int(services.settings.token_minutes * 60))
    return response


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request):
    response = RedirectResponse("/ui/login", 303)
    clear_session(response)
    return response
