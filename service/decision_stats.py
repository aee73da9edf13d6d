"""HR's decisions on suggestions as statistics: the accept rate by program category and by unit,
and the reasons for rejections, with small groups suppressed (``model.suppression``).

The rows carry a decision, a reason code, a unit and a category only: no NIP, no name. A group
of fewer than ``threshold`` decisions is hidden, and with it, where needed, one more group so
that the hidden one cannot be worked out from the total.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from model.glossary import PROGRAM_CATEGORIES, REJECT_REASONS
from model.suppression import DEFAULT_THRESHOLD, TOTAL, suppress_series
from service.storage.schema import CANONICAL

DEC, EMP, PROG = CANONICAL["decisions"], CANONICAL["employees"], CANONICAL["programs"]
COLUMNS = ("decision", "reason_code", "unit", "category")
FEWER, COMPLEMENTARY = "fewer", "complementary"
# A rejection recorded without a reason (before reason codes, or imported) counts as "other",
# as the API records one.
NO_REASON = "other"


@dataclass(frozen=True)
class Rate:
    """One group's decisions and accept rate; the numbers are None when ``suppressed``."""

    group: str | None
    decisions: int | None
    accepted: int | None
    accept_rate: float | None
    suppressed: str | None  # FEWER, COMPLEMENTARY or None


@dataclass(frozen=True)
class Reason:
    """One reject reason's count and share of the rejections; None when ``suppressed``."""

    reason_code: str
    count: int | None
    share: float | None
    suppressed: str | None


@dataclass(frozen=True)
class DecisionStats:
    """Every statistic of the decisions in one scope."""

    threshold: int
    overall: Rate
    by_category: list[Rate]
    by_unit: list[Rate]
    rejections: int | None
    reasons: list[Reason]

    @property
    def empty(self) -> bool:
        return self.overall.decisions == 0


def load_decisions(conn: sa.Connection, unit: str | None) -> pd.DataFrame:
    """Every decision with the employee's unit and the program's category (``COLUMNS``); only
    those on employees of ``unit`` when it is given (a unit head's scope)."""
    query = (sa.select(DEC.c.decision, DEC.c.reason_code, EMP.c.unit, PROG.c.category)
             .join(EMP, EMP.c.employee_id == DEC.c.employee_id)
             .join(PROG, PROG.c.program_id == DEC.c.program_id, isouter=True))
    if unit is not None:
        query = query.where(EMP.c.unit == unit)
    return pd.DataFrame(conn.execute(query).all(), columns=list(COLUMNS))


def summarise(decisions: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD) -> DecisionStats:
    """Accept rates by category and by unit, and the reject reasons, of ``decisions``.

    Groups are listed by name (categories in the glossary's order), never by size, so the
    order of hidden groups tells nothing. Reasons shown are listed by count, most first, and
    the hidden ones after them in the glossary's order.
    """
    missing = set(COLUMNS) - set(decisions.columns)
    if missing:
        raise ValueError(f"decisions has no {sorted(missing)} column(s)")
    if decisions.empty:
        return DecisionStats(threshold, Rate(None, 0, 0, None, None), [], [], 0, [])
    accepted = decisions["decision"].eq("accepted")
    overall, by_category = _rates(decisions["category"], accepted, threshold,
                                  _category_order)
    _, by_unit = _rates(decisions["unit"], accepted, threshold, _name_order)
    rejections, reasons = _reasons(decisions.loc[decisions["decision"].eq("rejected"),
                                                 "reason_code"], threshold)
    return DecisionStats(threshold, overall, by_category, by_unit, rejections, reasons)


def _status(value: int, hidden: bool, threshold: int) -> str | None:
    if not hidden:
        return None
    return FEWER if value < threshold else COMPLEMENTARY


def _suppressed(counts: pd.Series, threshold: int) -> tuple[list[bool], bool]:
    """Which counts are hidden, and whether their total is, once suppressed with a total.

    The counts are passed by position: a group named like the total must not collide with it.
    """
    _, hidden = suppress_series(counts.reset_index(drop=True), threshold, total=True)
    return [bool(h) for h in hidden.iloc[:-1]], bool(hidden[TOTAL])


def _rates(groups: pd.Series, accepted: pd.Series, threshold: int,
           order) -> tuple[Rate, list[Rate]]:
    names = groups.astype(object).where(groups.notna() & groups.ne(""), None)
    frame = pd.DataFrame({"group": names, "accepted": accepted.astype(int)})
    sizes = frame.groupby("group", sort=False, dropna=False)["accepted"].agg(["size", "sum"])
    labels = [None if pd.isna(g) else g for g in sizes.index]
    ranked = sorted(range(len(sizes)), key=lambda i: order(labels[i]))
    sizes, labels = sizes.iloc[ranked], [labels[i] for i in ranked]
    hidden, total_hidden = _suppressed(sizes["size"], threshold)
    rows = [_rate(g, int(n), int(a), h, threshold)
            for g, n, a, h in zip(labels, sizes["size"], sizes["sum"], hidden)]
    overall = _rate(None, int(sizes["size"].sum()), int(sizes["sum"].sum()), total_hidden,
                    threshold)
    return overall, rows


def _rate(group: str | None, n: int, accepted: int, hidden: bool, threshold: int) -> Rate:
    if hidden:
        return Rate(group, None, None, None, _status(n, True, threshold))
    return Rate(group, n, accepted, accepted / n if n else None, None)


def _reasons(codes: pd.Series, threshold: int) -> tuple[int | None, list[Reason]]:
    if codes.empty:
        return 0, []
    codes = codes.astype(object).where(codes.notna() & codes.ne(""), NO_REASON)
    counts = codes.value_counts(sort=False)
    counts = counts.loc[sorted(counts.index, key=_reason_order)]
    hidden, total_hidden = _suppressed(counts, threshold)
    total = int(counts.sum())
    shown = [Reason(code, int(n), n / total, None)
             for (code, n), h in zip(counts.items(), hidden) if not h]
    shown.sort(key=lambda r: -r.count)  # stable: ties keep the glossary's order
    kept = [Reason(code, None, None, _status(int(n), True, threshold))
            for (code, n), h in zip(counts.items(), hidden) if h]
    return (None if total_hidden else total), shown + kept


def _category_order(category: str | None) -> tuple:
    known = category in PROGRAM_CATEGORIES
    return (category is None, not known,
            PROGRAM_CATEGORIES.index(category) if known else 0, category or "")


def _name_order(name: str | None) -> tuple:
    return (name is None, (name or "").casefold(), name or "")


def _reason_order(code: str) -> tuple:
    known = code in REJECT_REASONS
    return (not known, REJECT_REASONS.index(code) if known else 0, code)
