"""The quarter's training plan under a budget: an exact 0/1 program and its baselines.

Pure functions over pandas frames; no database, no web framework. Start with ``solve_plan``;
compare it with ``greedy_by_score`` and ``popular_first`` through ``compare_plans``; verify any
plan with ``check_plan``. Column contract: ``model.planning.inputs``.
"""

from model.planning.baselines import greedy_by_score, popular_first
from model.planning.checks import check_plan
from model.planning.compare import compare_plans, gini
from model.planning.inputs import PlanConfig, PlanInfeasibleError, PlanInputError
from model.planning.result import PlanResult
from model.planning.solve import PlanTimeoutError, solve_plan

__all__ = [
    "PlanConfig", "PlanInfeasibleError", "PlanInputError", "PlanResult", "PlanTimeoutError",
    "check_plan", "compare_plans", "gini", "greedy_by_score", "popular_first", "solve_plan",
]
