"""Uploaded files kept between the dry run and the confirmed import.

A dry run stores the files under ``<workspace>/web-imports/<token>/`` (beside the database,
which holds the same personal data) with the uploader's name; the confirmation imports exactly
those files and deletes them. Stale uploads are removed after ``MAX_AGE_SECONDS``.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import BinaryIO

from service.settings import get_settings

MAX_AGE_SECONDS = 3600
CHUNK = 1 << 20
OWNER = ".owner.json"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def root() -> Path:
    return get_settings().data_dir / "web-imports"


def sweep(now: float | None = None) -> None:
    """Delete staged uploads older than ``MAX_AGE_SECONDS``."""
    now = now or time.time()
    if not root().exists():
        return
    for folder in root().iterdir():
        if folder.is_dir() and now - folder.stat().st_mtime > MAX_AGE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def new_folder(username: str, profile: str = "canonical") -> tuple[str, Path]:
    """A fresh private folder for ``username``'s upload (read with ``profile``) and its token."""
    sweep()
    token = secrets.token_urlsafe(24)
    folder = root() / token
    folder.mkdir(parents=True, mode=0o700)
    (folder / OWNER).write_text(json.dumps({"username": username, "profile": profile}),
                                encoding="utf-8")
    return token, folder


def profile_of(folder: Path) -> str:
    """The import profile the staged files were checked with."""
    try:
        return json.loads((folder / OWNER).read_text(encoding="utf-8")).get("profile", "canonical")
    except (OSError, ValueError):
        return "canonical"


def folder_of(token: str, username: str) -> Path | None:
    """The staged folder of ``token`` if it exists and belongs to ``username``."""
    if not TOKEN.match(token):
        return None
    folder = root() / token
    try:
        owner = json.loads((folder / OWNER).read_text(encoding="utf-8"))["username"]
    except (OSError, ValueError, KeyError):
        return None
    return folder if owner == username else None


class TooLarge(ValueError):
    """An uploaded file is over the import size limit."""


def save(source: BinaryIO, target: Path, limit: int) -> int:
    """Copy an upload to ``target`` in chunks; raise TooLarge past ``limit`` bytes."""
    size = 0
    with open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(f"{target.name}: over {limit:,} bytes")
            out.write(chunk)
    return size


def staged_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name != OWNER)


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
