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

from model import quarters as qt
from model.config import ModelConfig
from model.features import CATEGORICAL, PAIR_FEATURES, PERSON_FEATURES
from model.training_data import prepare_quarter, ranking_examples

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
                 categorical: list[str], label_rates: tuple[float, float], label: str = "label",
                 warn: float = 0.1, block: float = 0.25, bins: int = 10) -> dict:
    """Feature and label PSI with the names above ``warn`` and ``block`` and an overall status.

    Args:
        label_rates: the label's rate in the previous and in the current quarter.
    """
    psi = feature_psi(previous, current, numeric, categorical, bins)
    prev_rate, cur_rate = (float(r) for r in label_rates)
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


# Features that move with the calendar: compared with the same quarter a year earlier.
SEASONAL = ("quarter_of_year", "jp_this_year", "jp_missing", "jp_closes", "unit_participation_4q")
# Features of the offered catalogue and its timing (BKPSDM's choice each quarter, not the
# population's): reported, never blocking.
CATALOGUE = ("program_age_q", "lead_days", "concurrent_jp", "form", "delivery", "category", "jp",
             "cost_idr", "mandatory", "pop_all", "pop_unit", "pop_family", "program_completion_rate")


# Unit-level aggregates shared by everyone in a unit: their effective sample is the number of
# units (dozens), so a few units changing moves the PSI a lot. Reported, never blocking.
UNIT_LEVEL = ("head_trained_4q", "unit_participation_4q")
WARN_ONLY = CATALOGUE + UNIT_LEVEL


def candidate_drift(frames: dict[str, pd.DataFrame], quarter: str, config: ModelConfig,
                    warn: float = 0.1, block: float = 0.25) -> dict:
    """PSI of the ranker's features and of the completion rate: ``quarter`` against the quarter
    before it (seasonal features: against the same quarter a year earlier, when in the data).

    Person features are measured on the active people of each snapshot (one row per person);
    pair features on the ranker's candidates built as for training (people who enrolled in the
    quarter, offered eligible programs, sampled non-chosen ones with the configured seed).
    Catalogue and unit-level features are reported but only warn.
    """
    prev_q, year_q = qt.shift(quarter, -1), qt.shift(quarter, -4)
    have_year = (frames["enrollments"]["quarter"] <= year_q).any()
    people, pairs, rates = {}, {}, {}
    for q in (prev_q, quarter) + ((year_q,) if have_year else ()):
        qd = prepare_quarter(frames, q, config)
        people[q] = qd.people[qd.snap.people["active"].to_numpy(dtype=bool)]
        pairs[q] = ranking_examples(qd, config, np.random.default_rng(config.seed))
        rates[q] = float(qd.outcomes["completed"].mean()) if len(qd.outcomes) else float("nan")
    if pairs[prev_q].empty or pairs[quarter].empty:
        raise ValueError(f"no candidates in {prev_q} or {quarter} to measure drift on")
    psi: dict[str, float] = {}
    for cols, side in ((PERSON_FEATURES, people), (PAIR_FEATURES, pairs)):
        for ref, chosen in ((prev_q, [c for c in cols if c not in SEASONAL]),
                            (year_q, [c for c in cols if c in SEASONAL] if have_year else [])):
            psi.update(feature_psi(side[ref], side[quarter],
                                   [c for c in chosen if c not in CATEGORICAL],
                                   [c for c in chosen if c in CATEGORICAL]))
    label_psi = psi_rate(rates[prev_q], rates[quarter])
    judged = {k: v for k, v in psi.items() if k not in WARN_ONLY}
    judged["label:completion_rate"] = label_psi
    blocked = sorted(k for k, v in judged.items() if v >= block)
    warned = sorted(k for k, v in {**psi, **judged}.items() if warn <= v and k not in blocked)
    return {
        "quarter": quarter, "previous_quarter": prev_q,
        "seasonal_reference": year_q if have_year else None,
        "status": "block" if blocked else "warn" if warned else "ok",
        "warn_at": warn, "block_at": block, "max_psi": max(judged.values()),
        "blocked": blocked, "warned": warned,
        "label": {"name": "completion_rate", "previous": rates[prev_q],
                  "current": rates[quarter], "psi": label_psi},
        "features": {k: round(v, 4) for k, v in sorted(psi.items(), key=lambda kv: -kv[1])},
        "warn_only_features": [c for c in WARN_ONLY if c in psi],
        "rows": {"people": int(len(people[quarter])), "candidates": int(len(pairs[quarter]))},
    }
