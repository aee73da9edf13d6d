"""Scale of batch scoring: time, peak memory and pairs per second, one process vs Dask.

For each population (10k, 100k, 1M employees: one generated 10k city tiled, see
``benchmarks.scale_population``) and catalogue (150, 2,000 programs), a fresh process builds the
frames and the point-in-time context of the whole population, then ranks a sample of its active
employees (all of them when the population is small enough) twice: in that process
(``score_all(engine="local")``) and on a ``LocalCluster`` of 2 single-threaded worker processes
(model and context scattered once). The local run is timed warm: one person is ranked first, so
the context's one-off cached tables are timed apart (``warmup_s``). Full-population time is
projected as context + warm-up + the sample's per-employee time x everyone; rows say which were
sampled. Memory is each process's peak RSS (ru_maxrss).
The model is fitted once on the 10k city (default ``ModelConfig``) and cached.

Run ``python -m benchmarks.scale`` (tens of minutes), ``--quick`` for 10k only.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "scale.json"
BASE_EMPLOYEES, BASE_YEARS, SEED, END, QUARTER = 10_000, 2, 7, "2025Q4", "2026Q1"
KEY = b"scale-benchmark-key-not-a-secret"
GRID = [(10_000, 150), (10_000, 2_000), (100_000, 150), (100_000, 2_000),
        (1_000_000, 150), (1_000_000, 2_000)]
SAMPLE = {150: 10_000, 2_000: 2_000}  # employees ranked per run (the rest is projected)
CHUNK = {150: 2_500, 2_000: 750}
WORKERS = 2


def _cpu_seconds() -> float:
    user, system = os.times()[:2]
    return user + system


def _maxrss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # KiB on Linux


def _rss_gb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 1e9


def base_tables() -> dict:
    import synthetic

    return dict(synthetic.generate(BASE_EMPLOYEES, BASE_YEARS, seed=SEED, end_quarter=END).tables)


def fitted_model(cache: Path):
    """The recommender fitted on the base city (cached in ``cache``)."""
    import joblib

    from benchmarks.scale_population import scale_population
    from model.recommender import Recommender
    from service.pseudonym import pseudonymise_tables

    if cache.exists():
        return joblib.load(cache)
    frames = pseudonymise_tables(scale_population(base_tables(), BASE_EMPLOYEES, 150, QUARTER), KEY)
    started = time.perf_counter()
    rec = Recommender().fit(frames, QUARTER)
    print(f"fitted the base model in {time.perf_counter() - started:.0f} s", flush=True)
    joblib.dump(rec, cache)
    return rec


def default_cache() -> Path:
    """A cache file named after the model package's source (a stale pickle fails to predict)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((Path(__file__).parents[1] / "model").rglob("*.py")):
        digest.update(path.read_bytes())
    return Path(tempfile.gettempdir()) / f"asn-scale-model-{digest.hexdigest()[:12]}.joblib"


def _pairs(ctx, persons: list[str], programs: list[str], chunk: int) -> int:
    from model.batch import chunked
    from model.candidates import candidate_pairs

    return sum(len(candidate_pairs(ctx.snap, c, programs))
               for c in chunked(persons, chunk))


def run_one(n: int, p: int, cache: Path, out: Path) -> dict:
    """One grid cell in this process (see module docstring)."""
    from dask.distributed import Client, LocalCluster

    from benchmarks.scale_population import scale_population
    from model.batch import active_persons, catalogue
    from model.snapshot import conform
    from service.batch_scoring import score_all
    from service.pseudonym import pseudonymise_tables

    rec = fitted_model(cache)
    row = {"employees": n, "programs": p, "workers": WORKERS}
    t = time.perf_counter()
    frames = conform(pseudonymise_tables(scale_population(base_tables(), n, p, QUARTER), KEY))
    row["build_frames_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    ctx = rec.context(frames, QUARTER)
    row["context_s"] = round(time.perf_counter() - t, 1)
    del frames
    gc.collect()
    row["rss_after_context_gb"] = round(_rss_gb(), 2)
    everyone = active_persons(ctx)
    sample = everyone[:: max(len(everyone) // SAMPLE[p], 1)][:SAMPLE[p]]
    chunk = CHUNK[p]
    row.update(active=len(everyone), scored=len(sample), sampled=len(sample) < len(everyone),
               chunk_size=chunk, catalogue=len(catalogue(ctx)))
    row["pairs_scored"] = _pairs(ctx, sample, catalogue(ctx), chunk)

    # The first call on a context builds its cached tables once (20 CPU-s at 1M): timed apart,
    # on one person, so the sample's rate is the warm per-person cost.
    warm = everyone[1:2] or everyone[:1]
    t, cpu = time.perf_counter(), time.process_time()
    score_all(rec, ctx, out / f"warmup-{n}-{p}", k=10, chunk_size=chunk, persons=warm)
    row["warmup_s"] = round(time.perf_counter() - t, 2)
    row["warmup_cpu_s"] = round(time.process_time() - cpu, 2)

    t, cpu = time.perf_counter(), time.process_time()
    local = score_all(rec, ctx, out / f"local-{n}-{p}", k=10, chunk_size=chunk, persons=sample)
    row["local_s"] = round(time.perf_counter() - t, 2)
    row["local_cpu_s"] = round(time.process_time() - cpu, 2)
    row["local_peak_rss_gb"] = round(_maxrss_gb(), 2)

    t = time.perf_counter()
    cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                           dashboard_address="127.0.0.1:0", host="127.0.0.1")
    row["dask_start_s"] = round(time.perf_counter() - t, 2)
    try:
        with Client(cluster) as client:
            cpu0 = client.run(_cpu_seconds)
        t = time.perf_counter()
        dask = score_all(rec, ctx, out / f"dask-{n}-{p}", k=10, chunk_size=chunk, persons=sample,
                         engine="dask", scheduler=cluster.scheduler_address)
        row["dask_s"] = round(time.perf_counter() - t, 2)  # connect + scatter + scoring
        with Client(cluster) as client:
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6)
            cpu1 = client.run(_cpu_seconds)
        # CPU seconds each worker spent: on a shared machine wall time also counts the others.
        row["dask_worker_cpu_s"] = sorted(round(cpu1[w] - cpu0.get(w, 0.0), 2) for w in cpu1)
        row["dask_worker_peak_rss_gb"] = sorted(round(v, 2) for v in peaks.values())
        row["dask_driver_rss_gb"] = round(_rss_gb(), 2)
    finally:
        cluster.close()
    if (local.rows, local.parts) != (dask.rows, dask.parts):
        raise RuntimeError("local and Dask runs wrote different outputs")
    row["rows_written"] = local.rows
    per_person = row["local_s"] / len(sample)
    row["pairs_per_s_per_core_local"] = round(row["pairs_scored"] / row["local_s"])
    row["pairs_per_s_per_core_dask"] = round(row["pairs_scored"] / row["dask_s"] / WORKERS)
    row["dask_speedup"] = round(row["local_s"] / row["dask_s"], 2)
    row["projected_full_local_s"] = round(row["context_s"] + row["warmup_s"]
                                          + per_person * len(everyone))
    row["projected_full_dask_s"] = round(row["context_s"] + row["dask_s"] / len(sample)
                                         * len(everyone))
    return row


def _cpu_rate(pairs: int, cpu) -> str:
    total = sum(cpu) if isinstance(cpu, list) else cpu
    return f"{pairs / total:,.0f}" if total else "n/a"


def _table(rows: list[dict]) -> str:
    head = ("| employees | programs | active | scored | pairs | context s | local s | dask s "
            "| speed-up (wall) | pairs/s/core local | pairs/s/core dask | pairs/CPU-s local "
            "| pairs/CPU-s dask | peak RSS local GB | worker peak GB | full run local s "
            "(projected) |")
    lines = [head, "|" + "---|" * 16]
    for r in rows:
        lines.append(
            f"| {r['employees']:,} | {r['programs']:,} | {r['active']:,} | "
            f"{r['scored']:,}{'*' if r['sampled'] else ''} | {r['pairs_scored']:,} | "
            f"{r['context_s']} | {r['local_s']} | {r['dask_s']} | {r['dask_speedup']} | "
            f"{r['pairs_per_s_per_core_local']:,} | {r['pairs_per_s_per_core_dask']:,} | "
            f"{_cpu_rate(r['pairs_scored'], r.get('local_cpu_s'))} | "
            f"{_cpu_rate(r['pairs_scored'], r.get('dask_worker_cpu_s'))} | "
            f"{r['local_peak_rss_gb']} | {max(r['dask_worker_peak_rss_gb'])} | "
            f"{r['projected_full_local_s']:,} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10k employees only")
    ap.add_argument("--one", nargs=2, type=int, metavar=("EMPLOYEES", "PROGRAMS"))
    ap.add_argument("--cache", type=Path, default=default_cache())
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if args.one:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_one(*args.one, args.cache, Path(tmp))), flush=True)
        return 0
    fitted_model(args.cache)
    grid = [g for g in GRID if g[0] == 10_000] if args.quick else GRID
    rows = []
    for n, p in grid:
        print(f"== {n:,} employees x {p:,} programs", flush=True)
        done = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--one", str(n), str(p),
                               "--cache", str(args.cache)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
        if done.returncode:
            print(done.stderr[-3000:], file=sys.stderr)
            rows.append({"employees": n, "programs": p, "error": done.stderr[-500:]})
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), flush=True)
        args.out.write_text(json.dumps({"rows": rows, "cores": os.cpu_count()}, indent=2))
    ok = [r for r in rows if "error" not in r]
    print(_table(ok))
    args.out.write_text(json.dumps({"rows": rows, "cores": os.cpu_count(), "table": _table(ok)},
                                   indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
