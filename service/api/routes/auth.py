"""Login, the current user, and user management (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from service import audit
from service.api.deps import AdminUser, CurrentUser, ServicesDep
from service.api.errors import ApiError
from service.api.schemas.auth import LoginRequest, Token, UserCreate, UserPublic
from service.auth import tokens
from service.auth.passwords import verify_password
from service.auth.users import UserError, UserExists, create_user, find_user, list_users

router = APIRouter(tags=["auth"])


@router.post("/auth/login", response_model=Token,
             responses={401: {"description": "wrong credentials"}, 429: {"description": "too many attempts"}})
def login(body: LoginRequest, request: Request, services: ServicesDep) -> Token:
    """Exchange a username and password for a bearer token that expires."""
    client = request.client.host if request.client else "unknown"
    wait = services.limiter.check(client, body.username)
    if wait is not None:
        raise ApiError(429, "too many login attempts; wait before trying again",
                       {"Retry-After": str(max(1, int(wait + 0.999)))})
    with services.engine.connect() as conn:
        found = find_user(conn, body.username)
    user, password_hash = found if found else (None, None)
    if not verify_password(password_hash, body.password) or user is None or not user.active:
        services.limiter.failed(client, body.username)
        raise ApiError(401, "wrong username or password", {"WWW-Authenticate": "Bearer"})
    services.limiter.succeeded(client, body.username)
    token, expires = tokens.issue(services.jwt_secret, user.username, user.role,
                                  services.settings.token_minutes)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "login", "user", user.username)
    return Token(access_token=token, expires_at=expires)


@router.get("/auth/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    """Who the token belongs to, with role and unit."""
    return UserPublic(username=user.username, role=user.role, unit=user.unit, active=True)


@router.get("/users", response_model=list[UserPublic])
def users(admin: AdminUser, services: ServicesDep) -> list[UserPublic]:
    """Every user (admin)."""
    return [UserPublic(username=u.username, role=u.role, unit=u.unit, active=u.active)
            for u in list_users(services.engine)]


@router.post("/users", response_model=UserPublic, status_code=201,
             responses={409: {"description": "the username is taken"}})
def add_user(body: UserCreate, admin: AdminUser, services: ServicesDep) -> UserPublic:
    """Create a user with a role (and, for a unit head, a unit) (admin)."""
    try:
        user = create_user(services.engine, body.username, body.password, body.role, body.unit)
    except UserExists as exc:
        raise ApiError(409, str(exc)) from None
    except UserError as exc:
        raise ApiError(422, str(exc)) from None
    with services.engine.begin() as conn:
        audit.record(conn, admin.username, "user_create", "user", user.username,
                     {"role": user.role, "unit": user.unit})
    return UserPublic(username=user.username, role=user.role, unit=user.unit, active=user.active)
