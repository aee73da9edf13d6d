"""Participation per quarter, predicted against actual, optionally per group with suppression.

The predicted rate of a past quarter is the model's probability at the start of that quarter;
the actual rate is what the history then recorded. Grouped cells below the threshold are hidden
together with the cells that would reveal them from the quarter's total.
"""

from __future__ import annotations

import pandas as pd

from model.quarters import parse_quarter
from model.suppression import suppress_series

PERSON_KEY = "person_key"
MISSING = "(missing)"
ALL = "(all)"


def participation_trend(history: pd.DataFrame, by: str | None = None,
                        threshold: int = 10) -> pd.DataFrame:
    """Predicted vs actual participation rate per quarter, optionally per group.

    Args:
        history: ``person_key``, ``quarter`` (e.g. ``2025Q1``), ``predicted`` (probability) and
            ``actual`` (0/1, missing for quarters not yet observed), plus ``by`` when given.
        by: grouping column; each quarter then also gets an ``(all)`` row, and groups are
            suppressed (with complementary suppression against that row) below ``threshold``.
        threshold: fewest people shown in a grouped cell.

    Returns:
        Columns ``quarter``, [``group``], ``people``, ``predicted``, ``actual``, ``suppressed``,
        sorted by quarter; suppressed cells have NA values.
    """
    need = [PERSON_KEY, "quarter", "predicted", "actual"] + ([by] if by else [])
    missing = [c for c in need if c not in history.columns]
    if missing:
        raise ValueError(f"history lacks columns {missing}")
    for c in ("predicted", "actual"):
        v = pd.to_numeric(history[c], errors="coerce")
        bad = (history[c].notna() & (v.isna() | (v < 0) | (v > 1))) | (
            v.isna() if c == "predicted" else False)
        if bad.any():
            raise ValueError(f"history.{c} must be a value in [0, 1]: {int(bad.sum())} bad rows")
    for q in history["quarter"].unique():
        parse_quarter(q)
    if history.duplicated([PERSON_KEY, "quarter"]).any():
        raise ValueError("history has several rows for one person_key and quarter")
    h = history.assign(predicted=history["predicted"].astype(float),
                       actual=pd.to_numeric(history["actual"], errors="coerce"))
    keys = ["quarter"] + ([by] if by else [])
    agg = (h.groupby(keys, dropna=False, observed=True)
           .agg(people=(PERSON_KEY, "size"), predicted=("predicted", "mean"),
                actual=("actual", "mean")).reset_index())
    if by:
        agg = agg.rename(columns={by: "group"})
        agg["group"] = agg["group"].astype(object).where(agg["group"].notna(), MISSING)
        total = (h.groupby("quarter").agg(people=(PERSON_KEY, "size"),
                 predicted=("predicted", "mean"), actual=("actual", "mean")).reset_index())
        agg = pd.concat([agg, total.assign(group=ALL)], ignore_index=True)
        agg["suppressed"] = False
        for q, idx in agg.groupby("quarter").groups.items():
            part = agg.loc[idx]
            inner = part["group"] != ALL
            _, mask = suppress_series(part.loc[inner, "people"], threshold, total=True)
            agg.loc[part.index[inner.to_numpy()], "suppressed"] = mask.iloc[:-1].to_numpy()
            agg.loc[part.index[~inner.to_numpy()], "suppressed"] = bool(mask.iloc[-1])
        agg["people"] = agg["people"].astype("Int64").mask(agg["suppressed"], pd.NA)
        agg[["predicted", "actual"]] = agg[["predicted", "actual"]].astype("Float64").mask(
            agg["suppressed"], pd.NA)
    else:
        agg["suppressed"] = False
        agg["people"] = agg["people"].astype("Int64")
    order = agg["quarter"].map(parse_quarter)
    return agg.iloc[order.argsort(kind="stable")].reset_index(drop=True)
