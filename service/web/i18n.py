"""Message catalogues (Bahasa Indonesia by default, English by a switch) and the page language.

Every label a user reads comes from ``messages/<lang>.json``; a missing key shows as the key
itself (and a test keeps that from happening).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LANG_COOKIE = "asn_lang"
MESSAGES_DIR = Path(__file__).parent / "messages"


@lru_cache
def catalogue(lang: str) -> dict[str, str]:
    """The messages of ``lang`` (read once)."""
    return json.loads((MESSAGES_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def translate(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    text = catalogue(lang).get(key, key)
    return text.format(**values) if values else text


def requested_language(request: Request) -> str | None:
    """The language asked for by ``?lang=`` (to be remembered in a cookie), if valid."""
    lang = request.query_params.get("lang")
    return lang if lang in LANGUAGES else None


def language_of(request: Request) -> str:
    """``?lang=``, else the language cookie, else Indonesian."""
    lang = requested_language(request) or request.cookies.get(LANG_COOKIE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE
