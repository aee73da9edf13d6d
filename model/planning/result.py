"""The plan returned by the optimiser and by the baselines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from model.planning.inputs import ASSIGNMENT_COLUMNS, MANDATORY, SCORE


@dataclass
class PlanResult:
    """One training plan.

    Attributes:
        assignments: one row per assigned line, columns ``ASSIGNMENT_COLUMNS`` (person_key,
            offering_id, program_id, unit, cost_idr, jp, expected_benefit, reason, locked,
            p_complete, mandatory, score).
        objective: sum of the lines' scores (expected benefit plus the JP-duty term).
        status: ``optimal``, ``time_limit`` (best plan found so far) or ``heuristic`` (baselines).
        gap: relative optimality gap, 0 when optimal, NaN for baselines.
        solve_time_s: wall-clock seconds spent building and solving.
        method: ``milp``, ``greedy_by_score`` or ``popular_first``.
        n_candidates: candidate lines the method considered (after exclusions and pruning).
        dual_bound: proven upper bound on the objective (NaN when unknown).
        message: solver message or notes.
    """

    assignments: pd.DataFrame
    objective: float
    status: str
    gap: float
    solve_time_s: float
    method: str
    n_candidates: int
    dual_bound: float = float("nan")
    message: str = ""

    @property
    def mandatory_assigned(self) -> int:
        """Number of mandatory lines in the plan."""
        return int(self.assignments[MANDATORY].sum())


def lines_of(candidates: pd.DataFrame, chosen: np.ndarray) -> pd.DataFrame:
    """The assignments frame of the chosen rows (boolean mask or positions) of candidates."""
    return candidates.iloc[np.flatnonzero(chosen) if chosen.dtype == bool else chosen][
        ASSIGNMENT_COLUMNS].reset_index(drop=True)


def plan_objective(assignments: pd.DataFrame) -> float:
    """Objective value of a plan: the sum of its lines' scores."""
    return float(assignments[SCORE].sum())
