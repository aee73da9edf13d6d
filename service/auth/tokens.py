"""Signed bearer tokens (JWT, HS256) that expire; the secret lives in the secrets file.

The secret is ``jwt_secret`` in the same private JSON file as the pseudonym key, created on
first use under a file lock so that several worker processes agree on one secret.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
from contextlib import contextmanager
from pathlib import Path

import jwt

from service.settings import get_settings

ALGORITHM = "HS256"
SECRET_NAME = "jwt_secret"
ISSUER = "asn-reco"


class TokenError(Exception):
    """A token is missing, malformed, badly signed or expired."""


@contextmanager
def _locked(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def secret_from_file(name: str, path: Path | None = None) -> str:
    """The secret ``name`` from the secrets file, generated and saved (mode 0600) when missing."""
    path = path or get_settings().secrets_file
    with _locked(path):
        data = json.loads(path.read_text(encoding="utf-8") or "{}") if path.exists() else {}
        if not data.get(name):
            data[name] = secrets.token_hex(32)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2)
            os.replace(tmp, path)
        return str(data[name])


def issue(secret: str, username: str, role: str, minutes: float,
          now: dt.datetime | None = None) -> tuple[str, dt.datetime]:
    """A token for ``username`` and its expiry time (UTC)."""
    now = now or dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(minutes=minutes)
    claims = {"sub": username, "role": role, "iat": now, "exp": expires, "iss": ISSUER,
              "jti": secrets.token_hex(8)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM), expires


def decode(secret: str, token: str) -> dict:
    """The claims of a valid, unexpired token; raise TokenError otherwise."""
    try:
        return jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                          options={"require": ["sub", "exp", "iat"]})
    except jwt.ExpiredSignatureError:
        raise TokenError("token expired; log in again") from None
    except jwt.InvalidTokenError as exc:
        raise TokenError(f"invalid token ({type(exc).__name__})") from None
