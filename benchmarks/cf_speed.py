"""Time and peak memory of ``cf-recommend``'s engine (fit + top-10 for every user).

Three synthetic shapes (``benchmarks.movielens.synthetic_interactions``): ML-100k (943 x 1,682,
100k; EASE with l2 tuned on held-out data), 20k users x 5k items with 1M interactions (EASE,
fixed l2) and 60k x 30k with 2M (item-kNN), each against the most-popular baseline run in the
same process. Peak memory is what Python and numpy allocate during fit + recommend
(tracemalloc; BLAS work buffers are not included), plus the process's peak RSS at the end.

Usage: ``python -m benchmarks.cf_speed [--only 100k,1M]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
import tracemalloc

from benchmarks.movielens import RESULTS, synthetic_interactions
from model.collaborative import ItemCF, fit_recommend

CASES = {
    "100k": (943, 1_682, 100_000),
    "1M": (20_000, 5_000, 1_000_000),
    "2M": (60_000, 30_000, 2_000_000),
}


def measure(frame, **params) -> dict:
    """Wall and CPU seconds (all threads) and traced peak MiB of fit + recommend(k=10)."""
    tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    recs = fit_recommend(frame, k=10, **params)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak, "rows_out": len(recs)}


def main(argv: list[str] | None = None) -> dict:
    """Run the cases, print a table and write ``benchmarks/results/cf_speed.json``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(CASES), help="comma-separated cases")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; choose from {list(CASES)}")
    rows = []
    for name in names:
        n_users, n_items, n_interactions = CASES[name]
        frame = synthetic_interactions(n_users, n_items, n_interactions, seed=0)[["user_id", "item_id"]]
        engine = measure(frame)
        method = "ease" if n_items <= ItemCF().max_dense_items else "knn"
        baseline = measure(frame, method="popular")
        rows.append({
            "case": name, "users": n_users, "items": n_items, "interactions": len(frame),
            "method": method, "engine": engine, "popular": baseline,
            "time_ratio": engine["seconds"] / baseline["seconds"],
        })
    print(f"\n{'case':<6}{'users':>8}{'items':>8}{'rows':>11}{'method':>7}{'engine s':>10}"
          f"{'cpu s':>7}{'peak MiB':>10}{'popular s':>11}{'peak MiB':>10}{'ratio':>7}")
    for r in rows:
        e, p = r["engine"], r["popular"]
        print(f"{r['case']:<6}{r['users']:>8,}{r['items']:>8,}{r['interactions']:>11,}{r['method']:>7}"
              f"{e['seconds']:>10.2f}{e['cpu_seconds']:>7.1f}{e['peak_mib']:>10.0f}"
              f"{p['seconds']:>11.2f}{p['peak_mib']:>10.0f}{r['time_ratio']:>7.1f}")
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()
    print(f"process peak RSS {max_rss:,.0f} MiB; load average at the end {load[0]:.2f} "
          f"on {os.cpu_count()} cores (other work on the machine slows BLAS a lot)")
    result = {"rows": rows, "max_rss_mib": max_rss, "load_average": load, "cpus": os.cpu_count()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "cf_speed.json").write_text(json.dumps(result, indent=2))
    print(f"wrote {RESULTS / 'cf_speed.json'}")
    return result


if __name__ == "__main__":
    main()
