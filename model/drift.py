"""Population stability index (PSI) of features and labels between two quarters.

PSI = sum over bins of (a - e) * ln(a / e), with ``e`` the share of the reference (previous
quarter) and ``a`` the share of the current quarter in each bin. Numeric columns are binned by
quantiles of the reference; columns with few distinct values and categorical columns are binned
by value. Missing values form a bin of their own. Empty bins get a small floor share so the
logarithm stays finite. Common reading: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 large.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

FLOOR = 1e-4  # share given to an empty bin
MISSING = "__missing__"


def _psi_from_counts(expected: np.ndarray, actual: np.ndarray) -> float:
    e = np.maximum(expected / max(expected.sum(), 1), FLOOR)
    a = np.maximum(actual / max(actual.sum(), 1), FLOOR)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_categorical(expected: pd.Series, actual: pd.Series) -> float:
    """PSI over the values of a categorical (or few-valued) column."""
    e = expected.astype("object").where(expected.notna(), MISSING).astype(str)
    a = actual.astype("object").where(actual.notna(), MISSING).astype(str)
    cats = sorted(set(e) | set(a))
    ec = e.value_counts().reindex(cats, fill_value=0).to_numpy(dtype=float)
    ac = a.value_counts().reindex(cats, fill_value=0).to_numpy(dtype=float)
    return _psi_from_counts(ec, ac)


def psi_numeric(expected: pd.Series, actual: pd.Series, bins: int = 10) -> float:
    """PSI of a numeric column, binned by the reference's quantiles (value bins when few)."""
    e = pd.to_numeric(expected, errors="coerce").astype(float)
    a = pd.to_numeric(actual, errors="coerce").astype(float)
    if pd.concat([e, a]).dropna().nunique() <= bins:
        return psi_categorical(e, a)
    ref = e.dropna().to_numpy()
    if len(ref) == 0:
        return psi_categorical(e.isna(), a.isna())
    inner = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1])

    def counts(x: pd.Series) -> np.ndarray:
        v = x.to_numpy()
        idx = np.where(np.isnan(v), len(inner) + 1, np.searchsorted(inner, v, side="right"))
        return np.bincount(idx.astype(int), minlength=len(inner) + 2).astype(float)

    return _psi_from_counts(counts(e), counts(a))


def psi_rate(expected_rate: float, actual_rate: float) -> float:
    """PSI of a binary label given its two rates."""
    return _psi_from_counts(np.array([expected_rate, 1 - expected_rate]),
                            np.array([actual_rate, 1 - actual_rate]))


def feature_psi(previous: pd.DataFrame, current: pd.DataFrame, numeric: list[str],
                categorical: list[str], bins: int = 10) -> dict[str, float]:
    """PSI of each listed column present in both frames."""
    out: dict[str, float] = {}
    for col in numeric:
        if col in previous and col in current:
            out[col] = psi_numeric(previous[col], current[col], bins)
    for col in categorical:
        if col in previous and col in current:
            out[col] = psi_categorical(previous[col], current[col])
    return out


def drift_report(previous: pd.DataFrame, current: pd.DataFrame, numeric: list[str],
                 categorical: list[str], label: str, warn: float = 0.1, block: float = 0.25,
                 bins: int = 10) -> dict:
    """Feature and label PSI with the names above ``warn`` and ``block`` and an overall status.

    Args:
        label: a 0/1 column of both frames whose rate is compared.
    """
    psi = feature_psi(previous, current, numeric, categorical, bins)
    prev_rate, cur_rate = float(previous[label].mean()), float(current[label].mean())
    label_psi = psi_rate(prev_rate, cur_rate)
    scores = {**psi, f"label:{label}": label_psi}
    blocked = sorted(k for k, v in scores.items() if v >= block)
    warned = sorted(k for k, v in scores.items() if warn <= v < block)
    status = "block" if blocked else "warn" if warned else "ok"
    return {
        "status": status, "warn_at": warn, "block_at": block,
        "max_psi": max(scores.values()) if scores else 0.0,
        "blocked": blocked, "warned": warned,
        "label": {"name": label, "previous": prev_rate, "current": cur_rate, "psi": label_psi},
        "features": {k: round(v, 4) for k, v in sorted(psi.items(), key=lambda kv: -kv[1])},
        "rows": {"previous": int(len(previous)), "current": int(len(current))},
    }
