"""Dependencies of the routes: services, the authenticated user, role checks, the served model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.api.errors import ApiError
from service.api.settings import ApiSettings
from service.auth import tokens
from service.auth.rate_limit import LoginRateLimiter
from service.auth.roles import ADMIN, EDITORS, Principal
from service.auth.users import find_user
from service.exposure import ExposureLog
from service.model_serving import ModelServer, Serving


# Row ids are the database's INTEGER (32-bit on PostgreSQL); a larger one cannot name a row and
# must be a 422, not a driver overflow.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@dataclass
class Services:
    """What the app holds for its lifetime (built in the lifespan)."""

    engine: sa.Engine
    server: ModelServer
    pseudonym_key: bytes
    jwt_secret: str
    limiter: LoginRateLimiter
    settings: ApiSettings
    exposure: ExposureLog


def get_services(request: Request) -> Services:
    services = getattr(request.app.state, "services", None)
    if services is None:
        raise ApiError(503, "the service is starting", {"Retry-After": "5"})
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_engine(services: ServicesDep) -> sa.Engine:
    return services.engine


EngineDep = Annotated[sa.Engine, Depends(get_engine)]
_bearer = HTTPBearer(auto_error=False, description="token from POST /api/v1/auth/login")


def token_principal(services: Services, token: str) -> Principal | None:
    """The active user a token was issued to, role and unit read afresh; None when the user no
    longer exists or is disabled. Raises ``tokens.TokenError`` for a bad or expired token."""
    claims = tokens.decode(services.jwt_secret, token)
    with services.engine.connect() as conn:
        found = find_user(conn, str(claims["sub"]))
    if found is None or not found[0].active:
        return None
    user = found[0]
    return Principal(user.username, user.role, user.unit)


def current_principal(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The user of a valid bearer token who is still active (role and unit read afresh)."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "not authenticated: send 'Authorization: Bearer <token>'", challenge)
    try:
        principal = token_principal(services, credentials.credentials)
    except tokens.TokenError as exc:
        raise ApiError(401, str(exc), challenge) from None
    if principal is None:
        raise ApiError(401, "the user of this token no longer exists or is disabled", challenge)
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_editor(user: CurrentUser) -> Principal:
    if user.role not in EDITORS:
        raise ApiError(403, "only admin and analyst users may do this")
    return user


def require_admin(user: CurrentUser) -> Principal:
    if user.role != ADMIN:
        raise ApiError(403, "only admin users may do this")
    return user


EditorUser = Annotated[Principal, Depends(require_editor)]
AdminUser = Annotated[Principal, Depends(require_admin)]


def serving(services: ServicesDep) -> Serving:
    """The serving state for this request (taken once: a swap does not affect it)."""
    state = services.server.state
    if state is None:
        status = services.server.status()
        reason = status.last_error or "no model is registered as champion yet"
        raise ApiError(503, f"no model is loaded: {reason}",
                       {"Retry-After": str(services.settings.retry_after_seconds)})
    return state


ServingDep = Annotated[Serving, Depends(serving)]
