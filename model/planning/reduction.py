"""Exact problem reduction before the 0/1 solve: LP bound, a rounded plan, reduced-cost fixing.

For ``max s.x`` subject to ``A x <= b`` and bounds ``l <= x <= 1``, any duals ``y >= 0`` give
reduced scores ``r = s - A'y`` and, for every feasible ``x``,
``s.x <= y.b + sum_j max(r_j l_j, r_j)``; call that ``z_y``. A free line with ``r_j < 0`` set to 1
lowers the bound to ``z_y + r_j``. With a feasible plan of value ``z_inc`` in hand, every line
with ``z_y + r_j < z_inc`` is absent from every better plan and can be dropped. The bound is
recomputed from ``y`` here, so it stays valid even if the LP duals are slightly off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

_LP_OPTIMAL, _LP_INFEASIBLE = 0, 2


@dataclass
class Reduction:
    """Result of the reduction.

    Attributes:
        keep: mask of the lines that may appear in a plan better than the incumbent.
        incumbent: a feasible 0/1 plan (None when none was found).
        incumbent_value: its score (-inf without one).
        bound: proven upper bound on the best plan's score (inf when unknown).
        infeasible: the LP relaxation is infeasible, so no plan exists.
    """

    keep: np.ndarray
    incumbent: np.ndarray | None
    incumbent_value: float
    bound: float
    infeasible: bool = False


def fill_plan(x: np.ndarray, order: np.ndarray, a_csc: sparse.csc_array,
              b: np.ndarray) -> np.ndarray:
    """Add lines to ``x`` in ``order`` when no row with a positive coefficient overflows.

    Rows already violated (a ``>=`` row in ``<=`` form) can only be repaired by lines with
    negative coefficients there, which this allows.
    """
    x = x.copy()
    slack = b - a_csc @ x
    ptr, idx, val = a_csc.indptr, a_csc.indices, a_csc.data
    for j in order:
        if x[j]:
            continue
        rows, coef = idx[ptr[j]:ptr[j + 1]], val[ptr[j]:ptr[j + 1]]
        if np.all((coef <= 0) | (coef <= slack[rows] + 1e-9)):
            slack[rows] -= coef
            x[j] = 1.0
    return x


def reduce_lines(score: np.ndarray, a_ub: sparse.csr_array, b_ub: np.ndarray,
                 lower: np.ndarray, order: np.ndarray, time_limit: float) -> Reduction:
    """Solve the LP relaxation, round it to a plan and drop lines that cannot improve on it.

    Args:
        score: objective coefficient of each line (maximised).
        a_ub, b_ub: all constraints in ``A x <= b`` form.
        lower: 1 for locked lines, else 0.
        order: the order in which lines are tried when filling the rounded LP plan.
        time_limit: seconds for the LP.
    """
    n = len(score)
    keep_all = np.ones(n, dtype=bool)
    lp = linprog(-score, A_ub=a_ub, b_ub=b_ub, bounds=np.column_stack([lower, np.ones(n)]),
                 method="highs", options={"time_limit": max(time_limit, 0.1)})
    if lp.status == _LP_INFEASIBLE:
        return Reduction(keep_all, None, -np.inf, -np.inf, infeasible=True)
    if lp.status != _LP_OPTIMAL or lp.x is None:
        return _fallback(keep_all, score, sparse.csc_array(a_ub), b_ub, lower, order)
    y = np.clip(-lp.ineqlin.marginals, 0.0, None)
    reduced = score - a_ub.T @ y
    locked = lower > 0
    bound = float(y @ b_ub + reduced[locked].sum() + np.maximum(reduced[~locked], 0).sum())
    a_csc = sparse.csc_array(a_ub)
    x = fill_plan(np.maximum(np.floor(lp.x + 1e-9), lower), order, a_csc, b_ub)
    if np.any(a_csc @ x > b_ub + 1e-6):
        fallback = _fallback(keep_all, score, a_csc, b_ub, lower, order)
        return Reduction(keep_all, fallback.incumbent, fallback.incumbent_value, bound)
    value = float(score @ x)
    tol = 1e-7 * max(1.0, abs(value))
    drop = ~locked & (reduced < 0) & (bound + reduced < value - tol)
    return Reduction(~drop, x, value, bound)


def _fallback(keep: np.ndarray, score: np.ndarray, a_csc: sparse.csc_array, b_ub: np.ndarray,
              lower: np.ndarray, order: np.ndarray) -> Reduction:
    """Without a usable LP solution: a greedy plan from the locked lines, if it is feasible."""
    x = fill_plan(lower.astype(float), order, a_csc, b_ub)
    if np.any(a_csc @ x > b_ub + 1e-6):
        return Reduction(keep, None, -np.inf, np.inf)
    return Reduction(keep, x, float(score @ x), np.inf)
