"""Recommender and engagement on the synthetic Binjai: quality against baselines and the oracle
on held-out quarters (P(complete) also at each checkpoint of the training, from the progress
checks), the model with and without HR's decisions, training time, and the time to rank every
employee.

Time-split: for each test quarter Q the model learns only from the quarters before Q and is judged
on Q's observed completions (ranking) and enrollments (engagement). The oracle ranks by the hidden
true benefit x P(complete) and is judged on the same outcomes; "true NDCG@10" judges every
ranking on that hidden score of all the same people's candidates. Timing ratios are against the
most-popular baseline scored on the same candidates in the same run.

Run: ``python -m benchmarks.model_quality [--employees 6000 --years 5 --quarters 2025Q4 2026Q3]``
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "model_quality.json"
KEY = b"benchmark-key"


def _world(employees: int, years: int, seed: int):
    from synthetic import generate

    return generate(n_employees=employees, years=years, seed=seed)


def run(employees: int, years: int, seed: int, quarters: list[str]) -> dict:
    import tempfile

    from dataclasses import replace

    import numpy as np

    from commands.oracle_harness import oracle_from_ids
    from model.baselines import most_popular, rank_by
    from model.candidates import candidate_pairs, offered_programs
    from model.config import ModelConfig
    from model.evaluation import evaluate
    from model.recommender import Recommender, default_as_of
    from model.snapshot import PERSON, conform
    from service.pseudonym import pseudonymise_tables
    from synthetic import write_world

    world = _world(employees, years, seed)
    frames = conform(pseudonymise_tables(dict(world.tables), key=KEY))
    ids = world.tables["employees"]["employee_id"].tolist()
    out: dict = {"employees": employees, "years": years, "seed": seed, "quarters": {}}
    with tempfile.TemporaryDirectory() as tmp:
        write_world(world, Path(tmp) / "raw", Path(tmp) / "truth")
        oracle = oracle_from_ids(Path(tmp) / "truth", ids, KEY)
        for q in quarters:
            started = time.perf_counter()
            res = evaluate(frames, q, oracle=oracle)
            res["evaluate_seconds"] = round(time.perf_counter() - started, 1)
            # The same training learning from HR's decisions too: what they teach (#19).
            used = evaluate(frames, q, oracle=oracle,
                            config=replace(ModelConfig(), use_decisions=True))
            res["decisions_effect"] = {
                name: {m: r["ranking"]["model"][m] for m in ("ndcg@10", "true_ndcg@10")}
                for name, r in (("with_decisions", used), ("ignoring_decisions", res))}
            out["quarters"][q] = res

    as_of = default_as_of(frames)
    started = time.perf_counter()
    rec = Recommender().fit(frames, as_of)
    fit_s = time.perf_counter() - started
    ctx = rec.context(frames, as_of)
    persons = list(ctx.snap.people.index[ctx.snap.people["active"].astype(bool)])
    started = time.perf_counter()
    recs = rec.recommend(ctx, persons, k=10)
    rank_all_s = time.perf_counter() - started
    cores = os.cpu_count() or 1
    started = time.perf_counter()
    rec.recommend(ctx, persons, k=10, threads=cores)
    rank_all_cores_s = time.perf_counter() - started
    started = time.perf_counter()
    programs = offered_programs(ctx.snap, as_of) or list(ctx.snap.programs.index)
    pairs = candidate_pairs(ctx.snap, persons, programs)
    feats = rec.score_pairs(ctx, pairs)
    base = rank_by(feats, most_popular(feats), PERSON, 10)
    base_s = time.perf_counter() - started
    out["timing"] = {
        "fit_seconds": round(fit_s, 1), "rank_all_seconds": round(rank_all_s, 2),
        "rank_all_seconds_all_cores": round(rank_all_cores_s, 2), "cores": cores,
        "load_average": os.getloadavg(),
        "people_ranked": len(persons), "recommendations": len(recs),
        "candidate_pairs": len(pairs), "popularity_rank_all_seconds": round(base_s, 2),
        "rank_all_over_popularity": round(rank_all_s / base_s, 2) if base_s else None,
        "with_reasons_share": float(np.mean([len(r) > 0 for r in recs["reasons_id"]])),
    }
    return out


def _print(result: dict) -> None:
    for q, res in result["quarters"].items():
        k = res["k"]
        print(f"\nTest quarter {q} ({res['test_set']['users']} people with completions)")
        print(f"{'ranker':20s} {'NDCG@10':>8s} {'Recall@10':>9s} {'P@10':>6s} {'MAP@10':>7s} "
              f"{'cover':>6s} {'true NDCG@10':>12s}")
        for name, m in res["ranking"].items():
            print(f"{name:20s} {m[f'ndcg@{k}']:8.3f} {m[f'recall@{k}']:9.3f} "
                  f"{m[f'precision@{k}']:6.3f} {m[f'map@{k}']:7.3f} {m['coverage']:6.2f} "
                  f"{m.get(f'true_ndcg@{k}', float('nan')):12.3f}")
        for name, m in res.get("decisions_effect", {}).items():
            print(f"model {name.replace('_', ' '):18s} NDCG@10 {m['ndcg@10']:.4f} "
                  f"true NDCG@10 {m['true_ndcg@10']:.4f}")
        s = res["summary"]
        print(f"lift over best baseline {s['ndcg_lift_over_best_baseline']:+.1%}; "
              f"share of oracle {s['share_of_oracle']:.1%}")
        e = res["engagement"]
        for part in ("completion", "duty"):
            m = e.get(part, {})
            if "roc_auc" in m:
                print(f"{part:10s} ROC-AUC {m['roc_auc']:.3f} PR-AUC {m['pr_auc']:.3f} "
                      f"Brier {m['brier']:.3f} ECE {m['ece']:.3f} (n={m['n']})")
            else:
                print(f"{part:10s} {m.get('note', '')}")
        for horizon, m in e.get("checkpoints", {}).items():
            print(f"checkpoint {horizon:8s} ROC-AUC {m['roc_auc']:.3f} Brier {m['brier']:.3f} "
                  f"ECE {m['ece']:.3f} (n={m['n']})")
    t = result["timing"]
    print(f"\nfit on all history: {t['fit_seconds']} s; rank {t['people_ranked']} people with "
          f"reasons: {t['rank_all_seconds']} s on one thread, {t['rank_all_seconds_all_cores']} s "
          f"on {t['cores']} (popularity on the same candidates: "
          f"{t['popularity_rank_all_seconds']} s, ratio {t['rank_all_over_popularity']}); "
          f"load average {t['load_average'][0]:.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=6000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quarters", nargs="+", default=["2025Q4", "2026Q3"])
    args = parser.parse_args(argv)
    result = run(args.employees, args.years, args.seed, args.quarters)
    _print(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
