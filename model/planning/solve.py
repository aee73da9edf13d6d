"""The exact plan: a 0/1 program over candidate lines, solved by HiGHS through scipy.

One binary per candidate line. Constraints (sparse rows): the budget; the seats of each
offering; ``max_per_person`` lines per person; one offering per program per person (implied
when ``max_per_person == 1``, then left out); locked lines fixed to 1 by their bounds; unit
shares. Mandatory-first is lexicographic: stage 1 maximises the number of mandatory lines on
the mandatory and locked lines alone (optional lines only use up resources, so leaving them
out loses nothing); stage 2 maximises the score with at least that many mandatory lines.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from model.planning.inputs import (
    COST, LOCKED, MANDATORY, OFFERING, PERSON, PROGRAM, SCORE, SEATS, TOL_IDR, UNIT, PlanConfig,
    PlanInfeasibleError, prepare,
)
from model.planning.reduction import Reduction, reduce_lines
from model.planning.result import PlanResult, lines_of, plan_objective

_OPTIMAL, _INFEASIBLE = 0, 2


class PlanTimeoutError(RuntimeError):
    """The solver found no feasible plan within the time limit."""


def _group_rows(codes: np.ndarray, n_cols: int, keep: np.ndarray | None = None) -> sparse.csr_array:
    """0/1 matrix with one row per group code, one column per line; optionally some groups."""
    groups = np.unique(codes) if keep is None else keep
    row_of = np.full(codes.max() + 1 if len(codes) else 0, -1)
    row_of[groups] = np.arange(len(groups))
    rows = row_of[codes]
    on = rows >= 0
    return sparse.csr_array((np.ones(on.sum()), (rows[on], np.flatnonzero(on))),
                            shape=(len(groups), n_cols))


def _resource_rows(cands: pd.DataFrame, seats: pd.Series,
                   config: PlanConfig) -> tuple[list[sparse.csr_array], list[np.ndarray]]:
    """Budget, seats, per-person and per-program rows (``A x <= b``) over ``cands``."""
    n = len(cands)
    # Costs in units of the largest cost keep the budget row well scaled for HiGHS.
    unit_cost = max(float(cands[COST].max()) if n else 1.0, 1.0)
    blocks = [sparse.csr_array(cands[COST].to_numpy().reshape(1, -1) / unit_cost)]
    bounds = [np.array([config.budget_idr / unit_cost])]
    offer_codes, offer_ids = pd.factorize(cands[OFFERING])
    blocks.append(_group_rows(offer_codes, n))
    bounds.append(seats.reindex(offer_ids).to_numpy(dtype=float))
    person_codes, _ = pd.factorize(cands[PERSON])
    crowded = np.flatnonzero(np.bincount(person_codes, minlength=1) > config.max_per_person)
    if len(crowded):
        blocks.append(_group_rows(person_codes, n, crowded))
        bounds.append(np.full(len(crowded), float(config.max_per_person)))
    if config.max_per_person > 1:
        pair_codes = cands.groupby([PERSON, PROGRAM], sort=False).ngroup().to_numpy()
        multi = np.flatnonzero(np.bincount(pair_codes, minlength=1) > 1)
        if len(multi):
            blocks.append(_group_rows(pair_codes, n, multi))
            bounds.append(np.ones(len(multi)))
    return blocks, bounds


def _share_rows(cands: pd.DataFrame,
                config: PlanConfig) -> tuple[list[sparse.csr_array], list[np.ndarray]]:
    """Each unit's minimum share of the budget or of the assigned seats, as ``-A x <= -b``."""
    rows, lows = [], []
    unit_cost = max(float(cands[COST].max()) if len(cands) else 1.0, 1.0)
    for unit, share in config.min_unit_share.items():
        mine = (cands[UNIT] == unit).to_numpy(dtype=float)
        if config.unit_share_of == "budget":
            rows.append(mine * cands[COST].to_numpy() / unit_cost)
            # The checker's tolerance: a share under half a rupiah is met by spending nothing.
            lows.append(max(share * config.budget_idr - TOL_IDR, 0.0) / unit_cost)
        else:
            rows.append(mine - share)
            lows.append(0.0)
    if not rows:
        return [], []
    return [sparse.csr_array(-np.vstack(rows))], [-np.array(lows)]


def _stack(blocks: list[sparse.csr_array], bounds: list[np.ndarray]) -> tuple[sparse.csr_array,
                                                                             np.ndarray]:
    return sparse.csr_array(sparse.vstack(blocks, format="csr")), np.concatenate(bounds)


def _solve(c: np.ndarray, a_ub: sparse.csr_array, b_ub: np.ndarray, lower: np.ndarray,
           time_limit: float, gap: float):
    return milp(c, integrality=np.ones_like(c), bounds=Bounds(lower, np.ones_like(c)),
                constraints=[LinearConstraint(a_ub, -np.inf, b_ub)],
                options={"time_limit": max(time_limit, 0.05), "mip_rel_gap": gap,
                         "presolve": True})


def _mandatory_floor(cands: pd.DataFrame, seats: pd.Series, config: PlanConfig,
                     deadline: float) -> tuple[int, bool]:
    """Stage 1: the most mandatory lines any plan can hold; and whether that is proven."""
    mand = cands[MANDATORY].to_numpy()
    if not config.mandatory_first or not (mand & ~cands[LOCKED].to_numpy()).any():
        return int(mand[cands[LOCKED].to_numpy()].sum()), True
    sub = cands[mand | cands[LOCKED].to_numpy()].reset_index(drop=True)
    c = -sub[MANDATORY].to_numpy(dtype=float)
    # A relative gap below 1/count makes the integer count exact.
    gap = min(config.mip_rel_gap, 0.5 / (len(sub) + 1))
    a_ub, b_ub = _stack(*_resource_rows(sub, seats, config))
    res = _solve(c, a_ub, b_ub, sub[LOCKED].to_numpy(dtype=float),
                 deadline - time.perf_counter(), gap)
    if res.x is None:
        raise PlanTimeoutError("no plan for the mandatory lines within the time limit")
    return int(round(-res.fun)), res.status == _OPTIMAL


def _seat_bound(score: np.ndarray, cands: pd.DataFrame, seats: pd.Series,
                config: PlanConfig) -> float:
    """A bound needing no LP: the best lines per person, and no more lines than seats."""
    ranked = pd.Series(score).groupby(cands[PERSON].to_numpy()).rank(ascending=False,
                                                                      method="first")
    best = np.sort(score[ranked.to_numpy() <= config.max_per_person])[::-1]
    total_seats = int(seats.reindex(cands[OFFERING].unique()).sum())
    return float(best[:total_seats].sum())


def relative_gap(objective: float, bound: float) -> float:
    """(bound - objective) / |objective|, 0 when the difference is solver noise."""
    diff = bound - objective
    if diff <= 1e-7 * max(1.0, abs(objective)):
        return 0.0
    return diff / max(abs(objective), 1e-9)


def _infeasible_message(config: PlanConfig, floor: int) -> str:
    parts = []
    if config.min_unit_share:
        parts.append(f"min_unit_share={config.min_unit_share} (of {config.unit_share_of})")
    if floor:
        parts.append(f"{floor} mandatory line(s) placed first")
    if config.locked:
        parts.append(f"{len(config.locked)} locked line(s)")
    return ("no plan meets the budget and seats together with " + ", ".join(parts)
            if parts else "no plan meets the constraints")


def solve_plan(candidates: pd.DataFrame, offerings: pd.DataFrame, config: PlanConfig, *,
               reduce_first: bool = True) -> PlanResult:
    """Solve the quarter's training plan exactly (within ``mip_rel_gap``) with HiGHS.

    Args:
        candidates: candidate lines, columns described in ``model.planning.inputs``.
        offerings: offering_id, program_id, seats, start_date.
        config: budget, limits, locks, exclusions and solver settings.
        reduce_first: drop lines by reduced-cost fixing before the MILP (exact; off only to
            measure what it saves).

    Returns:
        The plan; status ``optimal`` (within ``mip_rel_gap``) or ``time_limit`` (best plan found,
        with its gap to the dual bound).

    Raises:
        PlanInputError: malformed input.
        PlanInfeasibleError: locks, shares or mandatory lines that no plan can satisfy.
        PlanTimeoutError: no feasible plan found within ``time_limit_s``.
    """
    start = time.perf_counter()
    deadline = start + config.time_limit_s
    cands, offers = prepare(candidates, offerings, config)
    if cands.empty:
        return PlanResult(lines_of(cands, np.zeros(0, dtype=bool)), 0.0, "optimal", 0.0,
                          time.perf_counter() - start, "milp", 0, 0.0, "no candidates")
    seats = offers.set_index(OFFERING)[SEATS]
    floor, floor_proven = _mandatory_floor(cands, seats, config, deadline)
    blocks, bounds = _resource_rows(cands, seats, config)
    share_blocks, share_bounds = _share_rows(cands, config)
    blocks, bounds = blocks + share_blocks, bounds + share_bounds
    mand = cands[MANDATORY].to_numpy(dtype=float)
    if config.mandatory_first and floor:
        blocks.append(sparse.csr_array(-mand.reshape(1, -1)))
        bounds.append(np.array([-float(floor)]))
    a_ub, b_ub = _stack(blocks, bounds)
    score, lower = cands[SCORE].to_numpy(), cands[LOCKED].to_numpy(dtype=float)
    order = np.lexsort((-score, -mand))
    cut = (reduce_lines(score, a_ub, b_ub, lower, order, deadline - time.perf_counter())
           if reduce_first else Reduction(np.ones(len(cands), dtype=bool), None, -np.inf, np.inf))
    if cut.infeasible:
        raise PlanInfeasibleError(_infeasible_message(config, floor))
    keep = np.flatnonzero(cut.keep)
    chosen, milp_bound, proven = np.zeros(len(cands), dtype=bool), np.inf, True
    found = False
    message = "every line but the incumbent's fixed by reduced costs"
    if time.perf_counter() >= deadline and cut.incumbent is not None:
        proven, message = False, "time limit reached before the MILP; rounded/greedy plan"
    elif len(keep):
        res = _solve(-score[keep], sparse.csr_array(a_ub[:, keep]), b_ub, lower[keep],
                     deadline - time.perf_counter(), config.mip_rel_gap)
        if res.x is None and cut.incumbent is None:
            if res.status == _INFEASIBLE:
                raise PlanInfeasibleError(_infeasible_message(config, floor))
            raise PlanTimeoutError(f"no feasible plan within time_limit_s="
                                   f"{config.time_limit_s} ({res.message})")
        if res.x is not None:
            chosen[keep], found = res.x > 0.5, True
        if res.mip_dual_bound is not None and np.isfinite(res.mip_dual_bound):
            milp_bound = -float(res.mip_dual_bound)
        proven, message = res.status == _OPTIMAL, res.message
    if cut.incumbent is not None and (not found or score[chosen].sum() < cut.incumbent_value):
        chosen = cut.incumbent > 0.5
    lines = lines_of(cands, chosen)
    objective = plan_objective(lines)
    # Lines dropped by the reduction cannot beat the incumbent, so the best plan is at most
    # the larger of the reduced problem's bound and the incumbent, and at most the LP bound.
    bound = min(cut.bound, max(milp_bound, cut.incumbent_value),
                _seat_bound(score, cands, seats, config))
    optimal = proven and floor_proven
    return PlanResult(
        assignments=lines, objective=objective, status="optimal" if optimal else "time_limit",
        gap=relative_gap(objective, bound) if np.isfinite(bound) else float("nan"),
        solve_time_s=time.perf_counter() - start, method="milp",
        n_candidates=len(cands), dual_bound=bound,
        message=f"{message}; {len(keep)} of {len(cands)} lines kept after reduced-cost "
                f"fixing; mandatory lines >= {floor}"
                + ("" if floor_proven else " (stage 1 stopped at the time limit)"))
