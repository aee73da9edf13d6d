"""Small-cell suppression for group reports (UU 27/2022: no group of fewer than 10 people).

Primary suppression hides every cell below the threshold. With totals shown, complementary
suppression then makes sure no hidden cell can be worked out by subtraction: every row and
column of the table (totals included) holds either no hidden cell or at least two. This
protects against subtraction within one row or column; it does not solve the full linear
system an attacker could set up across rows and columns (hidden values are then only bounded).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10
TOTAL = "Total"


def suppress_table(counts: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD,
                   totals: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hide small cells of a two-way count table, and the cells that would reveal them.

    Args:
        counts: non-negative whole counts, rows x columns, without totals.
        threshold: fewest people a shown cell may count (cells below it are hidden).
        totals: add a ``Total`` column, a ``Total`` row and the grand total, and protect
            hidden cells against subtraction from them.

    Returns:
        (shown, hidden): the table (with totals when asked) as nullable integers with hidden
        cells NA, and a boolean frame of the same shape, True where hidden.
    """
    table = _check_counts(counts, threshold)
    if totals:
        table = table.copy()
        table[TOTAL] = table.sum(axis=1)
        table.loc[TOTAL] = table.sum(axis=0)
    values = table.to_numpy(dtype=np.int64)
    hidden = values < threshold
    if totals:
        _complement(values, hidden)
    mask = pd.DataFrame(hidden, index=table.index, columns=table.columns)
    return table.astype("Int64").mask(mask, pd.NA), mask


def suppress_series(counts: pd.Series, threshold: int = DEFAULT_THRESHOLD,
                    total: bool = True) -> tuple[pd.Series, pd.Series]:
    """Hide small counts of a one-way table; with ``total`` a ``Total`` entry is appended.

    Returns:
        (shown, hidden) like ``suppress_table``, for a series.
    """
    if not isinstance(counts, pd.Series):
        raise ValueError("counts must be a pandas Series of counts")
    if total and TOTAL in counts.index:
        raise ValueError(f"counts already has a {TOTAL!r} entry; pass counts without totals")
    table = _check_counts(counts.to_frame("n"), threshold)["n"]
    if total:
        table = pd.concat([table, pd.Series({TOTAL: int(table.sum())})])
    values = table.to_numpy(dtype=np.int64)[:, None]
    hidden = values < threshold
    if total:
        _complement(values, hidden, rows=False)
    mask = pd.Series(hidden[:, 0], index=table.index)
    return table.astype("Int64").mask(mask, pd.NA), mask


def filter_groups(groups: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD,
                  size_col: str = "people") -> pd.DataFrame:
    """Drop groups with fewer than ``threshold`` people; every report filters its groups here.

    Raises:
        ValueError: when the frame has no ``size_col`` or carries person keys.
    """
    if size_col not in groups.columns:
        raise ValueError(f"groups has no {size_col!r} column to check group sizes")
    if "person_key" in groups.columns or "members" in groups.columns:
        raise ValueError("groups carries person keys; reports show groups, never people")
    if threshold < 1:
        raise ValueError(f"threshold must be >= 1, got {threshold}")
    sizes = pd.to_numeric(groups[size_col], errors="coerce")
    return groups.loc[sizes.notna() & (sizes >= threshold)].reset_index(drop=True)


def _check_counts(counts: pd.DataFrame, threshold: int) -> pd.DataFrame:
    if not isinstance(counts, pd.DataFrame) or counts.empty:
        raise ValueError("counts must be a non-empty DataFrame of counts")
    if threshold < 1:
        raise ValueError(f"threshold must be >= 1, got {threshold}")
    if TOTAL in counts.index or TOTAL in counts.columns:
        raise ValueError(f"counts already has a {TOTAL!r} row or column; pass inner cells only")
    numeric = counts.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna() | (numeric < 0) | (numeric % 1 != 0)
    if bad.to_numpy().any():
        r, c = np.argwhere(bad.to_numpy())[0]
        raise ValueError(f"counts must be whole numbers >= 0; cell ({counts.index[r]!r}, "
                         f"{counts.columns[c]!r}) is {counts.iat[r, c]!r}")
    return numeric.astype(np.int64)


def _complement(values: np.ndarray, hidden: np.ndarray, rows: bool = True) -> None:
    """Hide more cells in place until no line (row or column) has exactly one hidden cell.

    The last row and last column are the totals. A line's partner is its smallest shown
    cell, preferring a cell whose crossing line already has a hidden cell, so one extra cell
    often settles two lines at once.
    """
    while True:
        changed = False
        lines = [("col", j) for j in range(values.shape[1])]
        if rows:
            lines += [("row", i) for i in range(values.shape[0])]
        for kind, k in lines:
            line = hidden[k, :] if kind == "row" else hidden[:, k]
            if line.sum() != 1:
                continue
            best, best_key = None, None
            for p in np.flatnonzero(~line):
                i, j = (k, p) if kind == "row" else (p, k)
                cross = hidden[:, j] if kind == "row" else hidden[i, :]
                settles_cross = rows and cross.sum() == 1
                key = (not settles_cross, values[i, j])
                if best_key is None or key < best_key:
                    best, best_key = (i, j), key
            hidden[best] = True
            changed = True
        if not changed:
            return
