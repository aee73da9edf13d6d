"""The ``users`` table: create, find and list users; the first admin on an empty database."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from service.auth.passwords import MIN_LENGTH, hash_password, new_password
from service.auth.roles import ADMIN, ROLES, UNIT_HEAD
from service.storage.schema import CANONICAL, users

FIRST_ADMIN = "admin"
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")


class UserError(ValueError):
    """A user cannot be created as asked (bad name, role, unit or password)."""


class UserExists(UserError):
    """The username is taken."""


@dataclass(frozen=True)
class User:
    """A stored user (without the password hash)."""

    username: str
    role: str
    unit: str | None
    active: bool


def _check(conn: sa.Connection, username: str, password: str, role: str, unit: str | None) -> None:
    if not USERNAME.match(username):
        raise UserError("username: 3-64 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_LENGTH:
        raise UserError(f"password must have at least {MIN_LENGTH} characters")
    if role == UNIT_HEAD:
        if not unit:
            raise UserError("a unit_head needs a unit")
        units = CANONICAL["units"]
        if conn.execute(sa.select(units.c.unit).where(units.c.unit == unit)).first() is None:
            raise UserError(f"unknown unit {unit!r}")


def create_user(engine: sa.Engine, username: str, password: str, role: str,
                unit: str | None = None) -> User:
    """Store a new user with an argon2 hash of ``password``; raise UserError or UserExists."""
    with engine.begin() as conn:
        _check(conn, username, password, role, unit)
        if conn.execute(sa.select(users.c.username).where(users.c.username == username)).first():
            raise UserExists(f"user {username!r} already exists")
        conn.execute(users.insert().values(username=username, password_hash=hash_password(password),
                                           role=role, unit=unit,
                                           active=True))
    return User(username, role, unit, True)


def find_user(conn: sa.Connection, username: str) -> tuple[User, str] | None:
    """The user and their password hash, or None."""
    row = conn.execute(sa.select(users).where(users.c.username == username)).mappings().first()
    if row is None:
        return None
    return User(row["username"], row["role"], row["unit"], bool(row["active"])), row["password_hash"]


def list_users(engine: sa.Engine) -> list[User]:
    """Every user, by name."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(users).order_by(users.c.username)).mappings().all()
    return [User(r["username"], r["role"], r["unit"], bool(r["active"])) for r in rows]


def ensure_first_admin(engine: sa.Engine) -> str | None:
    """Create ``admin`` with a one-time password when there are no users; return that password.

    Returns None when users exist already (the password is never shown again).
    """
    with engine.begin() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one():
            return None
        password = new_password()
        conn.execute(users.insert().values(username=FIRST_ADMIN, role=ADMIN, unit=None,
                                           password_hash=hash_password(password), active=True))
    return password
