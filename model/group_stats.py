"""Size, mean prediction with its interval, gap and impact of a group of people."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np


def member_stats(predictions: Sequence[float] | np.ndarray, org: float,
                 confidence: float = 0.95) -> dict:
    """Size, mean prediction with its normal interval, gap and impact of a set of people."""
    y = np.asarray(predictions, dtype=float)
    if y.size == 0:
        raise ValueError("no predictions: a group needs members")
    return group_stats(y, None, org, confidence)


def wilson_interval(successes: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion."""
    if n <= 0:
        raise ValueError("n must be positive")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes <= 0 else max(0.0, float(centre - half))
    high = 1.0 if successes >= n else min(1.0, float(centre + half))
    return low, high


def group_stats(y: np.ndarray, actual: np.ndarray | None, org: float, confidence: float,
                ci_method: str = "normal", n_boot: int = 0,
                rng: np.random.Generator | None = None) -> dict:
    """Stats of one group: mean prediction with a normal or bootstrap interval, gap to ``org``,
    impact (people x gap) and, given ``actual`` 0/1 outcomes, their rate with a Wilson interval."""
    n, mean = len(y), float(y.mean())
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    if ci_method == "bootstrap":
        means = y[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
        low, high = np.quantile(means, [(1 - confidence) / 2, (1 + confidence) / 2])
    else:
        half = z * (y.std(ddof=1) if n > 1 else 0.0) / np.sqrt(n)
        # A mean cannot leave the range of its values (keeps a rate's interval in [0, 1]).
        low, high = max(mean - half, float(y.min())), min(mean + half, float(y.max()))
    out = {"people": n, "predicted": mean, "predicted_low": float(low),
           "predicted_high": float(high), "org_predicted": org, "gap": org - mean,
           "impact": n * (org - mean)}
    if actual is not None:
        a_low, a_high = wilson_interval(actual.sum(), n, confidence)
        out.update(actual=float(actual.mean()), actual_low=a_low, actual_high=a_high)
    return out
