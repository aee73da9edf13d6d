"""Side-by-side outcome measures of several plans made for the same candidates."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from model.planning.checks import check_plan
from model.planning.inputs import (
    BENEFIT, COST, JP, OFFERING, P_COMPLETE, PERSON, SHORTFALL, UNIT, PlanConfig,
    validate_candidates, validate_offerings,
)
from model.planning.result import PlanResult


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values: 0 when equal, towards 1 when concentrated."""
    x = np.sort(np.asarray(values, dtype=float))
    if len(x) == 0 or x.sum() == 0:
        return 0.0
    ranks = np.arange(1, len(x) + 1)
    return float((2 * ranks - len(x) - 1) @ x / (len(x) * x.sum()))


def _p_reach(jp: np.ndarray, p: np.ndarray, shortfall: float) -> float:
    """Probability that the completed lines (independent) add up to the shortfall."""
    if len(jp) == 1:
        return float(p[0]) if jp[0] >= shortfall else 0.0
    total = 0.0
    for done in itertools.product((0, 1), repeat=len(jp)):
        mask = np.array(done, dtype=bool)
        if jp[mask].sum() >= shortfall:
            total += float(np.prod(np.where(mask, p, 1 - p)))
    return total


def expected_reach_jp_duty(lines: pd.DataFrame) -> float:
    """Expected number of people with a JP shortfall whose completed lines close it."""
    needy = lines[lines[SHORTFALL] > 0]
    return float(sum(_p_reach(g[JP].to_numpy(), g[P_COMPLETE].to_numpy(), g[SHORTFALL].max())
                     for _, g in needy.groupby(PERSON)))


def compare_plans(plans: dict[str, PlanResult], candidates: pd.DataFrame, config: PlanConfig,
                  offerings: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per plan with its outcome measures.

    Columns: lines, objective, expected_benefit (sum of relevance x p_complete), expected
    completions, expected JP earned, expected_reach_jp_duty (people with a shortfall expected to
    close it, completions independent), cost_idr, cost_per_expected_jp, units_served,
    seat_gini_units (Gini of seats across every unit with candidates), mandatory lines,
    status, gap, solve_time_s, violations (count from ``check_plan``; NaN without
    ``offerings``) and constraints_ok.

    Args:
        plans: name -> plan.
        candidates: the candidate lines the plans were made from (metrics use their values).
        config: the plan settings.
        offerings: needed to check the seats; without it the constraint columns are empty.
    """
    offers = validate_offerings(offerings) if offerings is not None else None
    cands = validate_candidates(candidates, offers if offers is not None else
                                _offerings_of(candidates), config)
    all_units = cands[UNIT].unique()
    rows = []
    for name, plan in plans.items():
        keys = plan.assignments[[PERSON, OFFERING]].astype(str)
        lines = keys.merge(cands, on=[PERSON, OFFERING], how="inner")
        expected_jp = float((lines[JP] * lines[P_COMPLETE]).sum())
        cost = float(lines[COST].sum())
        seats_by_unit = lines.groupby(UNIT).size().reindex(all_units, fill_value=0)
        violations = (len(check_plan(plan, candidates, offerings, config))
                      if offerings is not None else np.nan)
        rows.append({
            "plan": name,
            "lines": len(lines),
            "objective": float(lines["score"].sum()),
            "expected_benefit": float(lines[BENEFIT].sum()),
            "expected_completions": float(lines[P_COMPLETE].sum()),
            "expected_jp": expected_jp,
            "expected_reach_jp_duty": expected_reach_jp_duty(lines),
            "cost_idr": cost,
            "cost_per_expected_jp": cost / expected_jp if expected_jp else np.nan,
            "units_served": int((seats_by_unit > 0).sum()),
            "seat_gini_units": gini(seats_by_unit.to_numpy()),
            "mandatory_lines": int(lines["mandatory"].sum()),
            "status": plan.status,
            "gap": plan.gap,
            "solve_time_s": plan.solve_time_s,
            "violations": violations,
            "constraints_ok": (violations == 0) if offerings is not None else None,
        })
    return pd.DataFrame(rows).set_index("plan")


def _offerings_of(candidates: pd.DataFrame) -> pd.DataFrame:
    """Offerings implied by the candidates, for metrics that do not need seats."""
    pairs = candidates[[OFFERING, "program_id"]].astype(str).drop_duplicates(OFFERING)
    return pairs.assign(seats=0, start_date=None)
