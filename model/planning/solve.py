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
    COST, LOCKED, MANDATORY, OFFERING, PERSON, PROGRAM, SCORE, SEATS, UNIT, PlanConfig,
    PlanInfeasibleError, prepare,
)
from model.planning.result import PlanResult, lines_of, plan_objective

_OPTIMAL, _LIMIT, _INFEASIBLE = 0, 1, 2


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


def _resource_constraints(cands: pd.DataFrame, seats: pd.Series,
                          config: PlanConfig) -> list[LinearConstraint]:
    """Budget, seats, per-person and per-program rows over the lines of ``cands``."""
    n = len(cands)
    cost = cands[COST].to_numpy()
    out = [LinearConstraint(sparse.csr_array(cost.reshape(1, -1)), -np.inf, config.budget_idr)]
    offer_codes, offer_ids = pd.factorize(cands[OFFERING])
    out.append(LinearConstraint(_group_rows(offer_codes, n), -np.inf,
                                seats.reindex(offer_ids).to_numpy(dtype=float)))
    person_codes, _ = pd.factorize(cands[PERSON])
    counts = np.bincount(person_codes)
    crowded = np.flatnonzero(counts > config.max_per_person)
    if len(crowded):
        out.append(LinearConstraint(_group_rows(person_codes, n, crowded), -np.inf,
                                    float(config.max_per_person)))
    if config.max_per_person > 1:
        pair_codes = cands.groupby([PERSON, PROGRAM], sort=False).ngroup().to_numpy()
        multi = np.flatnonzero(np.bincount(pair_codes) > 1)
        if len(multi):
            out.append(LinearConstraint(_group_rows(pair_codes, n, multi), -np.inf, 1.0))
    return out


def _share_constraints(cands: pd.DataFrame, config: PlanConfig) -> list[LinearConstraint]:
    """Rows that give each unit its minimum share of the budget or of the assigned seats."""
    rows, lows = [], []
    for unit, share in config.min_unit_share.items():
        mine = (cands[UNIT] == unit).to_numpy(dtype=float)
        if config.unit_share_of == "budget":
            rows.append(mine * cands[COST].to_numpy())
            lows.append(share * config.budget_idr)
        else:
            rows.append(mine - share)
            lows.append(0.0)
    if not rows:
        return []
    return [LinearConstraint(sparse.csr_array(np.vstack(rows)), np.array(lows), np.inf)]


def _solve(c: np.ndarray, constraints: list[LinearConstraint], lower: np.ndarray,
           time_limit: float, gap: float):
    return milp(c, integrality=np.ones_like(c), bounds=Bounds(lower, np.ones_like(c)),
                constraints=constraints,
                options={"time_limit": max(time_limit, 0.5), "mip_rel_gap": gap,
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
    res = _solve(c, _resource_constraints(sub, seats, config),
                 sub[LOCKED].to_numpy(dtype=float), deadline - time.perf_counter(), gap)
    if res.x is None:
        raise PlanTimeoutError("no plan for the mandatory lines within the time limit")
    return int(round(-res.fun)), res.status == _OPTIMAL


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


def solve_plan(candidates: pd.DataFrame, offerings: pd.DataFrame,
               config: PlanConfig) -> PlanResult:
    """Solve the quarter's training plan exactly (within ``mip_rel_gap``) with HiGHS.

    Args:
        candidates: candidate lines, columns described in ``model.planning.inputs``.
        offerings: offering_id, program_id, seats, start_date.
        config: budget, limits, locks, exclusions and solver settings.

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
    seats = offers.set_index(OFFERING)[SEATS]
    floor, floor_proven = _mandatory_floor(cands, seats, config, deadline)
    constraints = _resource_constraints(cands, seats, config) + _share_constraints(cands, config)
    mand = cands[MANDATORY].to_numpy(dtype=float)
    if config.mandatory_first and floor:
        constraints.append(LinearConstraint(sparse.csr_array(mand.reshape(1, -1)), floor, np.inf))
    c = -cands[SCORE].to_numpy()
    res = _solve(c, constraints, cands[LOCKED].to_numpy(dtype=float),
                 deadline - time.perf_counter(), config.mip_rel_gap)
    if res.status == _INFEASIBLE:
        raise PlanInfeasibleError(_infeasible_message(config, floor))
    if res.x is None:
        raise PlanTimeoutError(f"no feasible plan within time_limit_s={config.time_limit_s} "
                               f"({res.message})")
    lines = lines_of(cands, res.x > 0.5)
    objective = plan_objective(lines)
    bound = -float(res.mip_dual_bound) if res.mip_dual_bound is not None else float("nan")
    gap = relative_gap(objective, bound) if np.isfinite(bound) else (
        float(res.mip_gap) if res.mip_gap is not None else float("nan"))
    optimal = res.status == _OPTIMAL and floor_proven
    return PlanResult(
        assignments=lines, objective=objective, status="optimal" if optimal else "time_limit",
        gap=gap, solve_time_s=time.perf_counter() - start, method="milp",
        n_candidates=len(cands), dual_bound=bound,
        message=f"{res.message}; mandatory lines >= {floor}"
                + ("" if floor_proven else " (stage 1 stopped at the time limit)"))
