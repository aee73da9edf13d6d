"""Serving latency: the API on loopback (uvicorn subprocess) under concurrent clients.

Measures, on the same server and in the same run, throughput and p50/p95/p99 latency of
``GET /api/v1/health/live`` (the baseline), one employee's recommendations with default
parameters (precomputed with each model/data version; a different employee per request), the
same with a filter (scored live by the model per request), and a fixed-rate run at 50 requests/s.
Also times the model's ``recommend`` for one person in-process. Targets: recommendations reach
40% of the health endpoint's throughput; p99 under 50 ms at 50 requests/s.

Run ``python -m benchmarks.serve_latency`` (builds a small synthetic workspace and trains a
model first) or ``--data-dir`` a workspace with a champion model.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

RESULTS = Path(__file__).parent / "results" / "serve_latency.json"
HOST = "127.0.0.1"  # loopback only
BENCH_USER, BENCH_PASSWORD = "bench_admin", "bench-password-not-secret"


def build_workspace(data_dir: Path, employees: int, years: int, seed: int = 7,
                    config=None):
    """Synthetic world -> import -> train and register a champion (in a subprocess-free way).

    ``config``: the ``ModelConfig`` to train with (default: the product's). Returns the
    training outcome.
    """
    os.environ["ASN_DATA_DIR"] = str(data_dir)
    for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
        os.environ.pop(name, None)
    from service.settings import get_settings

    get_settings.cache_clear()
    import synthetic
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db
    from service.training import train_and_register

    world = synthetic.generate(employees, years, seed=seed)
    synthetic.write_world(world, data_dir / "raw", data_dir / "truth")
    engine = get_engine()
    init_db(engine)
    report = import_paths([data_dir / "raw"], engine)
    if not report.ok:
        raise RuntimeError(f"synthetic data did not import: {report.problems[:3]}")
    outcome = train_and_register(engine, config=config)
    engine.dispose()
    print(f"workspace ready: model version {outcome.version} as of {outcome.as_of}", flush=True)
    return outcome


def prepare_user_and_ids(data_dir: Path, n: int) -> tuple[str, list[str]]:
    """A token of the benchmark user (created once) and the ids of ``n`` active employees."""
    os.environ["ASN_DATA_DIR"] = str(data_dir)
    from service.settings import get_settings

    get_settings.cache_clear()
    import sqlalchemy as sa

    from service.auth import tokens
    from service.auth.users import UserExists, create_user
    from service.storage.engine import get_engine, init_db
    from service.storage.schema import CANONICAL

    engine = get_engine()
    init_db(engine)
    try:
        create_user(engine, BENCH_USER, BENCH_PASSWORD, "admin")
    except UserExists:
        pass
    token, _ = tokens.issue(tokens.secret_from_file(tokens.SECRET_NAME), BENCH_USER, "admin", 120)
    emp = CANONICAL["employees"]
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.select(emp.c.employee_id)
                                          .where(emp.c.active.is_(True))
                                          .order_by(emp.c.employee_id).limit(n))]
    return token, ids


def model_recommend_ms(data_dir: Path, ids: list[str]) -> dict:
    """In-process time of the model's ``recommend`` for one person (no HTTP, no cache)."""
    from service.model_inputs import load_model_frames
    from service.model_source import RegistrySource
    from service.pseudonym import load_key, person_key
    from service.settings import get_settings
    from service.storage.engine import get_engine

    s = get_settings()
    source = RegistrySource(s.tracking_uri, s.artifact_root)
    rec = source.load(source.champion()).recommender
    ctx = rec.context(load_model_frames(get_engine()))
    key = load_key()
    out = {}
    for reasons in (True, False):
        times = []
        for eid in ids[:15]:
            started = time.perf_counter()
            rec.recommend(ctx, persons=[person_key(eid, key)], k=10, reasons=reasons)
            times.append((time.perf_counter() - started) * 1000)
        out[f"reasons={reasons}"] = {"p50_ms": statistics.median(times), "max_ms": max(times),
                                     "n": len(times)}
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(data_dir: Path, port: int, workers: int, log: Path,
                 env_extra: dict[str, str] | None = None) -> subprocess.Popen:
    """The service in a subprocess; its log goes to ``log`` (a pipe nobody reads would fill
    up and block every worker on its next log line). ``env_extra`` overrides the environment
    (model polling is off unless it sets ``ASN_API_MODEL_POLL_SECONDS``)."""
    env = {**os.environ, "ASN_DATA_DIR": str(data_dir), "ASN_API_MODEL_POLL_SECONDS": "0",
           "ASN_API_LOGIN_MAX_FAILURES": "1000", **(env_extra or {})}
    cli = Path(sys.executable).parent / "asn-reco"
    with open(log, "ab") as sink:
        return subprocess.Popen([str(cli), "serve", "--host", HOST, "--port", str(port),
                                 "--workers", str(workers), "--http", "httptools"],
                                env=env, stdout=sink, stderr=subprocess.STDOUT)


def stop_server(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Terminate the server; kill it if it has not exited after ``timeout`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def log_tail(log: Path, chars: int = 2000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else ""


def wait_ready(base: str, proc: subprocess.Popen, log: Path, timeout: float = 600.0,
               needed: int = 6) -> None:
    """Until ``needed`` readiness answers in a row are 200 (every worker has loaded)."""
    deadline, streak = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log_tail(log)}")
        try:
            ok = httpx.get(f"{base}/api/v1/health/ready", timeout=5).status_code == 200
        except httpx.HTTPError:
            ok = False
        streak = streak + 1 if ok else 0
        if streak >= needed:
            return
        time.sleep(0.5 if not ok else 0.05)
    raise RuntimeError(f"server did not become ready in {timeout:.0f} s: {log_tail(log)}")


def drain(base: str, timeout: float = 120.0) -> None:
    """Wait until the server answers the health check quickly again (queues emptied)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            httpx.get(f"{base}/api/v1/health/live", timeout=10)
        except httpx.HTTPError:
            pass
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def summarise(latencies: list[float], errors: Counter, seconds: float) -> dict:
    arr = np.asarray(latencies) * 1000 if latencies else np.asarray([np.nan])
    return {"requests": len(latencies), "errors": sum(errors.values()),
            "error_kinds": dict(errors), "seconds": round(seconds, 2),
            "rps": len(latencies) / seconds if seconds else 0.0,
            "p50_ms": float(np.percentile(arr, 50)), "p95_ms": float(np.percentile(arr, 95)),
            "p99_ms": float(np.percentile(arr, 99))}


async def closed_loop(base: str, paths: list[str], headers: dict, concurrency: int,
                      duration: float) -> dict:
    """``concurrency`` clients each sending the next request as soon as one returns."""
    latencies: list[float] = []
    errors: Counter = Counter()
    stop = time.perf_counter() + duration
    counter = iter(range(10**9))

    async def client(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < stop:
            path = paths[next(counter) % len(paths)]
            started = time.perf_counter()
            try:
                r = await http.get(path, headers=headers)
                kind = None if r.status_code == 200 else str(r.status_code)
            except httpx.HTTPError as exc:
                kind = type(exc).__name__
            if kind is None:
                latencies.append(time.perf_counter() - started)
            else:
                errors[kind] += 1

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        begun = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        return summarise(latencies, errors, time.perf_counter() - begun)


async def fixed_rate(base: str, paths: list[str], headers: dict, rate: float,
                     duration: float, on_response: Callable | None = None,
                     keepalive_expiry: float = 5.0) -> dict:
    """Open loop: one request every 1/rate s, latency counted from its scheduled time.

    ``on_response(i, scheduled, done, response, error)`` is called after every request (times
    from ``time.perf_counter()``; ``response`` is None when the request raised; ``error`` is
    None for a 200) so that a caller can record more than the latency. ``keepalive_expiry``:
    seconds the client keeps an idle connection (httpx's default 5 s).
    """
    latencies: list[float] = []
    errors: Counter = Counter()
    n = int(rate * duration)

    async def one(http: httpx.AsyncClient, i: int, scheduled: float) -> None:
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        r = None
        try:
            r = await http.get(paths[i % len(paths)], headers=headers)
            kind = None if r.status_code == 200 else str(r.status_code)
        except httpx.HTTPError as exc:
            kind = type(exc).__name__
        done = time.perf_counter()
        if kind is None:
            latencies.append(done - scheduled)
        else:
            errors[kind] += 1
        if on_response is not None:
            on_response(i, scheduled, done, r, kind)

    async with httpx.AsyncClient(base_url=base, timeout=60,
                                 limits=httpx.Limits(max_connections=64,
                                                     keepalive_expiry=keepalive_expiry)) as http:
        begun = time.perf_counter() + 0.2
        await asyncio.gather(*(one(http, i, begun + i / rate) for i in range(n)))
        return summarise(latencies, errors, time.perf_counter() - begun)


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print a table and write the JSON results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_latency")
    parser.add_argument("--data-dir", type=Path,
                        help="workspace with a champion; built there when it has no database "
                             "(default: a temporary one)")
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--live-rate", type=float, default=2.0,
                        help="rate of the live-scoring fixed-rate run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if not (data_dir / "asn_reco.db").exists():
            build_workspace(data_dir, args.employees, args.years)
        token, ids = prepare_user_and_ids(data_dir, 500)
        direct = model_recommend_ms(data_dir, ids)
        port = free_port()
        base = f"http://{HOST}:{port}"
        log = data_dir / "serve_latency.log"
        proc = start_server(data_dir, port, args.workers, log)
        print(f"server starting on {base} (log: {log})", flush=True)
        try:
            started = time.perf_counter()
            wait_ready(base, proc, log)
            print(f"ready after {time.perf_counter() - started:.1f} s", flush=True)
            startup = time.perf_counter() - started
            h = {"Authorization": f"Bearer {token}"}
            rec = [f"/api/v1/employees/{e}/recommendations" for e in ids]
            live = [f"{p}?form=klasikal" for p in rec]
            # Fast scenarios first: slow live scoring would leave requests queued behind them.
            runs = {}
            runs["health/live"] = asyncio.run(closed_loop(base, ["/api/v1/health/live"], {},
                                                          args.concurrency, args.duration))
            runs["recommendations (default k=10)"] = asyncio.run(
                closed_loop(base, rec, h, args.concurrency, args.duration))
            drain(base)
            runs[f"recommendations at {args.rate:g}/s"] = asyncio.run(
                fixed_rate(base, rec, h, args.rate, args.duration))
            drain(base)
            runs["recommendations (form filter, live scoring)"] = asyncio.run(
                closed_loop(base, live, h, 2, args.duration))
            drain(base)
            runs[f"live scoring at {args.live_rate:g}/s"] = asyncio.run(
                fixed_rate(base, live, h, args.live_rate, args.duration))
        finally:
            stop_server(proc)
    health = runs["health/live"]["rps"]
    ratio = runs["recommendations (default k=10)"]["rps"] / health if health else 0.0
    fixed = runs[f"recommendations at {args.rate:g}/s"]
    result = {
        "workers": args.workers, "concurrency": args.concurrency, "duration_s": args.duration,
        "employees": len(ids), "startup_s": round(startup, 1), "runs": runs,
        "model_recommend_one_person_ms": direct,
        "throughput_ratio_vs_health": ratio, "target_ratio": 0.4, "meets_ratio": ratio >= 0.4,
        "p99_at_rate_ms": fixed["p99_ms"], "target_p99_ms": 50.0,
        "meets_p99": fixed["p99_ms"] < 50.0 and fixed["errors"] == 0,
        "cpu_count": os.cpu_count(), "load_average": os.getloadavg(),
    }
    print(f"{'scenario':<46}{'req':>7}{'err':>5}{'rps':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, r in runs.items():
        print(f"{name:<46}{r['requests']:>7}{r['errors']:>5}{r['rps']:>9.1f}{r['p50_ms']:>9.1f}"
              f"{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}")
    for name, r in runs.items():
        if r["error_kinds"]:
            print(f"  errors in {name}: {r['error_kinds']}")
    for name, r in direct.items():
        print(f"model.recommend one person ({name}): p50 {r['p50_ms']:.0f} ms, max {r['max_ms']:.0f} ms")
    print(f"recommendations/health throughput: {ratio:.0%} (target 40%: "
          f"{'met' if result['meets_ratio'] else 'NOT met'}); p99 at {args.rate:g}/s: "
          f"{fixed['p99_ms']:.1f} ms (target 50 ms: {'met' if result['meets_p99'] else 'NOT met'}); "
          f"load average {result['load_average'][0]:.1f} on {os.cpu_count()} cores")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
