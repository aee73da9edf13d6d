"""Numbers, money, dates and shares as people read them: Indonesian (1.250.000; 23 Nov 2026)
or English (1,250,000; 23 Nov 2026)."""

from __future__ import annotations

import datetime as dt
import math

MONTHS = {
    "id": ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, lang: str, decimals: int = 0) -> str:
    """``1.250.000,5`` in Indonesian, ``1,250,000.5`` in English; an en dash when missing."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def money(value: float | int | None, lang: str) -> str:
    """Rupiah without decimals: ``Rp 1.250.000`` (Indonesian), ``IDR 1,250,000`` (English)."""
    if _missing(value):
        return "–"
    return f"{'Rp' if lang == 'id' else 'IDR'} {number(value, lang)}"


def percent(share: float | None, lang: str, decimals: int = 0) -> str:
    """A share 0..1 as a percentage: ``85,3%`` / ``85.3%``."""
    if _missing(share):
        return "–"
    return f"{number(100 * float(share), lang, decimals)}%"


def date(value: dt.date | dt.datetime | str | None, lang: str) -> str:
    """``23 Nov 2026`` (``Agu``, ``Okt``, ``Des`` in Indonesian); ISO text is parsed first."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {MONTHS[lang][value.month - 1]} {value.year}"


def datetime(value: dt.datetime | None, lang: str) -> str:
    """A date with the time of day (``23 Nov 2026 14:05``)."""
    if value is None:
        return "–"
    return f"{date(value, lang)} {value:%H:%M}"
