"""What HR's decisions teach the ranker, over several synthetic cities: the same time-split
evaluation with decisions used and ignored, per seed and held-out quarter.

Each seed generates its own city (HR's pre-product decisions follow the hidden truth, see
``synthetic/decisions.py``); for each test quarter Q the model learns from the quarters before
Q only. Reported: NDCG@10 on Q's observed completions and the truth-graded NDCG@10 of the same
people's candidates (``model.evaluation``), with decisions ignored and used, and the
difference. One seed is one draw of the city: the mean and the count of seeds-quarters where
decisions helped say more than any single row.

Run: ``python -m benchmarks.decisions_effect [--employees 6000 --seeds 7 11 23]``
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "decisions_effect.json"
KEY = b"benchmark-key"


def run(employees: int, years: int, seeds: list[int], quarters: list[str]) -> dict:
    from commands.oracle_harness import oracle_from_ids
    from model.config import ModelConfig
    from model.evaluation import evaluate
    from model.snapshot import conform
    from service.pseudonym import pseudonymise_tables
    from synthetic import generate, write_world

    rows = []
    for seed in seeds:
        world = generate(n_employees=employees, years=years, seed=seed)
        frames = conform(pseudonymise_tables(dict(world.tables), key=KEY))
        ids = world.tables["employees"]["employee_id"].tolist()
        with tempfile.TemporaryDirectory() as tmp:
            write_world(world, Path(tmp) / "raw", Path(tmp) / "truth")
            oracle = oracle_from_ids(Path(tmp) / "truth", ids, KEY)
            for q in quarters:
                row = {"seed": seed, "quarter": q, "decisions": int(len(frames["decisions"]))}
                for name, use in (("ignored", False), ("used", True)):
                    started = time.perf_counter()
                    res = evaluate(frames, q, oracle=oracle,
                                   config=replace(ModelConfig(), use_decisions=use))
                    m = res["ranking"]["model"]
                    row[f"ndcg@10_{name}"] = m["ndcg@10"]
                    row[f"true_ndcg@10_{name}"] = m["true_ndcg@10"]
                    row[f"seconds_{name}"] = round(time.perf_counter() - started, 1)
                for metric in ("ndcg@10", "true_ndcg@10"):
                    row[f"{metric}_gain"] = row[f"{metric}_used"] - row[f"{metric}_ignored"]
                print(f"seed {seed} {q}: true NDCG@10 {row['true_ndcg@10_ignored']:.4f} -> "
                      f"{row['true_ndcg@10_used']:.4f}", flush=True)
                rows.append(row)
    summary = {metric: {"mean_gain": sum(r[f"{metric}_gain"] for r in rows) / len(rows),
                        "helped": sum(r[f"{metric}_gain"] > 0 for r in rows), "of": len(rows)}
               for metric in ("ndcg@10", "true_ndcg@10")} if rows else {}
    return {"employees": employees, "years": years, "seeds": seeds, "quarters": quarters,
            "rows": rows, "summary": summary}


def _print(result: dict) -> None:
    import pandas as pd

    cols = ["seed", "quarter", "ndcg@10_ignored", "ndcg@10_used", "true_ndcg@10_ignored",
            "true_ndcg@10_used", "true_ndcg@10_gain"]
    with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
        print(pd.DataFrame(result["rows"])[cols].to_string(index=False))
    for metric, s in result["summary"].items():
        print(f"{metric}: mean gain {s['mean_gain']:+.4f}; decisions helped in {s['helped']} "
              f"of {s['of']} seed-quarters")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=6000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 23])
    parser.add_argument("--quarters", nargs="+", default=["2025Q4", "2026Q3"])
    args = parser.parse_args(argv)
    result = run(args.employees, args.years, args.seeds, args.quarters)
    _print(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
