"""Training plan on the full demo: 6,000 employees, one quarter's offerings, a trained model.

The demo files (``data/raw/demo``, from ``asn-reco demo``) end in 2026Q3 and, like a real
export, hold no schedule for the quarter to plan; HR imports it first. Here the next quarter's
schedule is the latest quarter's offerings shifted by three months (new ids). The files are
imported into a temporary workspace, a recommender is trained there for that quarter (the
serving model: trained on everything before it), then the service path of ``asn-reco plan``
runs: candidates, MILP, greedy-by-score and popular-first, reasons for the chosen lines.

    python -m benchmarks.plan_demo [--budget 750000000] [--time-limit 60] [--top-k 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

RESULTS = Path(__file__).resolve().parent / "results"
DEMO = Path(__file__).resolve().parent.parent / "data" / "raw" / "demo"
SHOWN = ["lines", "objective", "expected_benefit", "expected_completions", "expected_jp",
         "expected_reach_jp_duty", "cost_idr", "cost_per_expected_jp", "units_served",
         "seat_gini_units", "mandatory_lines", "status", "gap", "solve_time_s", "violations"]
TARGET_SOLVE_S = 60.0


def _scheduled_quarter(files: Path) -> str:
    """The quarter of the published schedule: the latest quarter with offerings."""
    from model.quarters import quarters_of

    off = pd.read_csv(files / "offerings.csv", dtype=str)
    return max(quarters_of(pd.to_datetime(off["start_date"])).dropna().unique())


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return str(value)


def main(argv: list[str] | None = None) -> dict:
    """Run the demo plan; print a table; write ``benchmarks/results/plan_demo.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=750_000_000)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--demo", type=Path, default=DEMO)
    args = parser.parse_args(argv)
    if not (args.demo / "employees.csv").exists():
        raise SystemExit(f"no demo files in {args.demo}: run 'asn-reco demo' first")
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="plan_demo_") as tmp:
        os.environ["ASN_DATA_DIR"] = str(Path(tmp) / "data")
        from service.settings import get_settings

        get_settings.cache_clear()
        from model.planning import PlanConfig, check_plan
        from model.recommender import Recommender
        from service.ingest.importer import import_paths
        from service.model_inputs import load_model_frames
        from service.plans.building import build_candidates, make_plan, plan_reasons
        from service.storage.engine import get_engine, init_db

        files = Path(tmp) / "files"
        shutil.copytree(args.demo, files)
        quarter = _scheduled_quarter(files)
        engine = get_engine()
        init_db(engine)
        started = time.perf_counter()
        report = import_paths([files], engine)
        timings["import_s"] = time.perf_counter() - started
        if not report.ok:
            raise SystemExit(f"demo import failed: {report.problems[:3]}")
        frames = load_model_frames(engine)
        started = time.perf_counter()
        recommender = Recommender().fit(frames, quarter)
        timings["train_s"] = time.perf_counter() - started
        started = time.perf_counter()
        ctx = recommender.context(frames, quarter)
        timings["context_s"] = time.perf_counter() - started
        started = time.perf_counter()
        candidates, offerings = build_candidates(recommender, ctx, quarter, args.top_k)
        timings["candidates_s"] = time.perf_counter() - started
        config = PlanConfig(budget_idr=args.budget, time_limit_s=args.time_limit)
        started = time.perf_counter()
        outcome = make_plan(candidates, offerings, config)
        timings["solve_and_baselines_s"] = time.perf_counter() - started
        started = time.perf_counter()
        reasons = plan_reasons(recommender, ctx, outcome.plan.assignments)
        timings["reasons_s"] = time.perf_counter() - started
        engine.dispose()
        get_settings.cache_clear()
    plan = outcome.plan
    table = outcome.comparison[SHOWN]
    ratios = {f"{m}_milp_over_{b}": float(table.loc["milp", m] / table.loc[b, m])
              for b in ("greedy_by_score", "popular_first")
              for m in ("expected_benefit", "objective", "expected_reach_jp_duty",
                        "expected_completions")}
    print(f"\nplan_demo {quarter}: {len(candidates):,} candidate lines, "
          f"{candidates['person_key'].nunique():,} people, {len(offerings)} offerings, "
          f"{int(offerings['seats'].sum()):,} seats, budget {args.budget:,.0f} IDR")
    print(f"milp: {plan.status}, gap {plan.gap:.4%}, {plan.solve_time_s:.2f} s; {plan.message}")
    shown = table.T
    width = max(len(c) for c in shown.columns) + 2
    print(f"{'':<24}" + "".join(f"{c:>{width}}" for c in shown.columns))
    for metric, row in shown.iterrows():
        print(f"{metric:<24}" + "".join(f"{_cell(v):>{width}}" for v in row))
    for name, value in {**timings, **ratios}.items():
        print(f"{name:<44}{value:.3f}")
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    result = {
        "quarter": quarter, "budget_idr": args.budget, "time_limit_s": args.time_limit,
        "top_k": args.top_k, "candidates": len(candidates),
        "people": int(candidates["person_key"].nunique()), "offerings": len(offerings),
        "seats": int(offerings["seats"].sum()), "timings_s": timings,
        "milp": {"status": plan.status, "gap": plan.gap, "solve_time_s": plan.solve_time_s,
                 "message": plan.message, "meets_target": plan.solve_time_s < TARGET_SOLVE_S},
        "reasons_worded": int(len(reasons)),
        "plans": json.loads(table.to_json(orient="index")), "ratios": ratios,
        "valid": check_plan(plan, candidates, offerings, config) == [],
        "load_average": os.getloadavg()[0], "cores": os.cpu_count(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "plan_demo.json").write_text(json.dumps(result, indent=2, default=float))
    (RESULTS / "plan_demo.txt").write_text(shown.to_string() + "\n")
    print(f"wrote {RESULTS / 'plan_demo.json'}")
    return result


if __name__ == "__main__":
    main()
