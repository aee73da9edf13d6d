"""Quarter arithmetic: labels like ``2025Q4``, their start and end dates, and ordering."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")


def parse_quarter(label: str) -> tuple[int, int]:
    """Return (year, quarter) of a label such as ``2025Q4``; raise ValueError otherwise."""
    m = _QUARTER.match(str(label).strip())
    if not m:
        raise ValueError(f"not a quarter: {label!r} (expected e.g. 2025Q4)")
    return int(m.group(1)), int(m.group(2))


def quarter_start(label: str) -> dt.date:
    """First day of the quarter."""
    year, q = parse_quarter(label)
    return dt.date(year, 3 * (q - 1) + 1, 1)


def quarter_end(label: str) -> dt.date:
    """Last day of the quarter."""
    return next_quarter_start(label) - dt.timedelta(days=1)


def next_quarter_start(label: str) -> dt.date:
    year, q = parse_quarter(label)
    return dt.date(year + (q == 4), 3 * (q % 4) + 1, 1)


def quarter_of(date: dt.date | pd.Timestamp) -> str:
    """Label of the quarter a date falls in."""
    return f"{date.year}Q{(date.month - 1) // 3 + 1}"


def shift(label: str, n: int) -> str:
    """The quarter ``n`` quarters after ``label`` (negative: before)."""
    year, q = parse_quarter(label)
    idx = year * 4 + (q - 1) + n
    return f"{idx // 4}Q{idx % 4 + 1}"


def quarter_range(first: str, last: str) -> list[str]:
    """All quarters from ``first`` to ``last`` inclusive."""
    out, cur = [], first
    while parse_quarter(cur) <= parse_quarter(last):
        out.append(cur)
        cur = shift(cur, 1)
    return out


def quarters_of(dates: pd.Series) -> pd.Series:
    """Vectorised quarter labels of a datetime series."""
    d = pd.to_datetime(dates)
    # Nullable integers: one missing date must not turn every label into '2025.0Q1.0'.
    labels = d.dt.year.astype("Int64").astype(str) + "Q" + d.dt.quarter.astype("Int64").astype(str)
    return labels.where(d.notna())
