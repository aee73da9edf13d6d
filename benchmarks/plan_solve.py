"""Quarter training plan: exact MILP against greedy and popular-first on a demo-sized instance.

Default instance: 6,000 employees, 40 offerings of 35 programs with 20-40 seats, 10 candidates
per person, budget 750,000,000 IDR, costs 0-7,500,000 IDR. In the same run it also solves the
plain MILP without reduced-cost fixing (the speed baseline; skip with ``--no-plain``).

    python -m benchmarks.plan_solve [--candidates C.csv --offerings O.csv] [--budget IDR]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from model.planning import (
    PlanConfig, check_plan, compare_plans, greedy_by_score, popular_first, solve_plan,
)
from model.planning.instances import random_instance

RESULTS = Path(__file__).resolve().parent / "results"
SHOWN = ["lines", "objective", "expected_benefit", "expected_completions", "expected_jp",
         "expected_reach_jp_duty", "cost_idr", "cost_per_expected_jp", "units_served",
         "seat_gini_units", "mandatory_lines", "status", "gap", "solve_time_s", "violations"]


def _load(args: argparse.Namespace) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    if bool(args.candidates) != bool(args.offerings):
        raise SystemExit("--candidates and --offerings go together")
    if args.candidates:
        return pd.read_csv(args.candidates), pd.read_csv(args.offerings), "files"
    candidates, offerings = random_instance(n_people=args.people, seed=args.seed)
    return candidates, offerings, f"random(seed={args.seed})"


def _cell(value) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def main(argv: list[str] | None = None) -> dict:
    """Solve, compare, print a table and write ``benchmarks/results/plan_solve.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", help="candidate lines CSV (columns: model.planning.inputs)")
    parser.add_argument("--offerings", help="offerings CSV")
    parser.add_argument("--budget", type=float, default=750_000_000)
    parser.add_argument("--people", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--no-plain", action="store_true", help="skip the unreduced MILP")
    args = parser.parse_args(argv)
    candidates, offerings, source = _load(args)
    config = PlanConfig(budget_idr=args.budget, time_limit_s=args.time_limit)

    plans = {"milp": solve_plan(candidates, offerings, config)}
    if not args.no_plain:
        plans["milp_plain"] = solve_plan(candidates, offerings, config, reduce_first=False)
    plans["greedy_by_score"] = greedy_by_score(candidates, offerings, config)
    plans["greedy_per_rupiah"] = greedy_by_score(candidates, offerings, config, per_rupiah=True)
    plans["popular_first"] = popular_first(candidates, offerings, config)
    started = time.perf_counter()
    table = compare_plans(plans, candidates, config, offerings)[SHOWN]
    compare_s = time.perf_counter() - started

    best, greedy = table.loc["milp"], table.loc["greedy_by_score"]
    ratios = {
        "benefit_milp_over_greedy": best["expected_benefit"] / greedy["expected_benefit"],
        "objective_milp_over_greedy": best["objective"] / greedy["objective"],
        "benefit_milp_over_greedy_per_rupiah": best["expected_benefit"]
        / table.loc["greedy_per_rupiah", "expected_benefit"],
        "benefit_milp_over_popular": best["expected_benefit"]
        / table.loc["popular_first", "expected_benefit"],
    }
    if "milp_plain" in plans:
        ratios["speedup_reduced_over_plain"] = (table.loc["milp_plain", "solve_time_s"]
                                                / best["solve_time_s"])
    print(f"\nplan_solve on {source}: {len(candidates):,} candidate lines, "
          f"{candidates['person_key'].nunique():,} people, {len(offerings)} offerings, "
          f"{int(offerings['seats'].sum()):,} seats, budget {args.budget:,.0f} IDR")
    print(f"milp: {plans['milp'].message}")
    shown = table.T
    width = max(len(c) for c in shown.columns) + 2
    print(f"{'':<24}" + "".join(f"{c:>{width}}" for c in shown.columns))
    for metric, row in shown.iterrows():
        print(f"{metric:<24}" + "".join(f"{_cell(v):>{width}}" for v in row))
    for name, value in ratios.items():
        print(f"{name:<38}{value:.4f}")
    print(f"compare_plans + check_plan for {len(plans)} plans: {compare_s:.2f} s; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")

    result = {
        "source": source, "budget_idr": args.budget, "time_limit_s": args.time_limit,
        "candidates": len(candidates), "people": int(candidates["person_key"].nunique()),
        "offerings": len(offerings), "seats": int(offerings["seats"].sum()),
        "lines_after_reduction": plans["milp"].message,
        "plans": json.loads(table.to_json(orient="index")), "ratios": ratios,
        "valid": {name: check_plan(plan, candidates, offerings, config) == []
                  for name, plan in plans.items()},
        "load_average": os.getloadavg()[0], "cores": os.cpu_count(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "plan_solve.json").write_text(json.dumps(result, indent=2, default=float))
    print(f"wrote {RESULTS / 'plan_solve.json'}")
    return result


if __name__ == "__main__":
    main()
