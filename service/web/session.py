"""The browser session: the API's JWT in an HttpOnly cookie, and double-submit CSRF tokens.

The session cookie holds the same signed token ``POST /api/v1/auth/login`` hands out
(HttpOnly, SameSite=Lax, Secure over https). Every POST form carries ``csrf_token``, which must
equal the ``asn_csrf`` cookie: another site can make the browser send the cookie but cannot read
it to put the same value in the form.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from service.api.deps import ServicesDep, token_principal
from service.auth import tokens
from service.auth.roles import ADMIN, EDITORS, Principal

SESSION_COOKIE = "asn_session"
CSRF_COOKIE = "asn_csrf"
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """No valid session: the page answers with a redirect to the login page."""

    def __init__(self, next_path: str, reason: str | None = None):
        super().__init__(reason or "login required")
        self.next_path, self.reason = next_path, reason


class WebError(Exception):
    """A page error with a status and a catalogue key (shown in the user's language)."""

    def __init__(self, status: int, key: str, detail: str | None = None):
        super().__init__(key)
        self.status, self.key, self.detail = status, key, detail


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def set_session(response: Response, request: Request, token: str, max_age: int) -> None:
    """Store the token in the session cookie."""
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax",
                        secure=_secure(request), path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_token(request: Request) -> tuple[str, bool]:
    """The request's CSRF token and whether it is new (then the response must set it)."""
    token = request.cookies.get(CSRF_COOKIE)
    if token and 20 <= len(token) <= 128:
        return token, False
    return secrets.token_urlsafe(32), True


def set_csrf(response: Response, request: Request, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax",
                        secure=_secure(request), path="/")


async def check_csrf(request: Request) -> None:
    """Refuse a POST whose form token does not match the CSRF cookie (403)."""
    form = await request.form()
    sent, expected = form.get(CSRF_FIELD), request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not secrets.compare_digest(sent, expected):
        raise WebError(403, "error.csrf")


def _next_path(request: Request) -> str:
    if request.method != "GET":
        return "/ui/"
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def session_user(request: Request, services: ServicesDep) -> Principal:
    """The active user of the session cookie (role and unit read afresh), else LoginRequired."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired(_next_path(request))
    try:
        principal = token_principal(services, token)
    except tokens.TokenError:
        principal = None
    if principal is None:
        raise LoginRequired(_next_path(request), "login.expired")
    return principal


WebUser = Annotated[Principal, Depends(session_user)]


def editor(user: WebUser) -> Principal:
    if user.role not in EDITORS:
        raise WebError(403, "error.editors_only")
    return user


def admin(user: WebUser) -> Principal:
    if user.role != ADMIN:
        raise WebError(403, "error.admins_only")
    return user


WebEditor = Annotated[Principal, Depends(editor)]
WebAdmin = Annotated[Principal, Depends(admin)]
Csrf = Depends(check_csrf)
