"""Load during a model swap: a fixed-rate loopback load while a new champion is promoted.

``asn-reco serve --workers 2`` runs on loopback with the champion alias polled every few seconds
(``ASN_API_MODEL_POLL_SECONDS``). An open-loop driver (``serve_latency.fixed_rate``) sends a mix
at a fixed rate for ``--duration`` seconds: one employee's recommendations (a different employee
each time), an employee's profile, ``/health/live`` and ``GET /model``. Part-way through, a second
registered version is made the champion with ``model.registry.promote`` (checksum verified,
former champion kept as ``previous``, the ``champion`` alias written last: what ``asn-reco train``
and retraining do). Every worker notices the alias at its next poll, loads and verifies the new
version, builds its Context and precomputed rankings in the background and swaps.

Recorded for every response: status, latency from its scheduled time, the ``model_version`` it
carried (recommendations, ``/model``), the worker's ``loaded_at`` (``/model``) and the client
port of its keep-alive connection (a connection stays with the worker that accepted it). From
these: errors (the target is none), p50/p95/p99 overall and before / during / after the swap, the
versions seen in each window, the time from the promotion until the last response carrying the
old version and until each worker swapped (its ``loaded_at``), and "mixed" connections (a
connection that answered with the new version and later with the old one: a worker going back).
A probe opens a fresh connection every ``--probe-interval`` s for ``GET /model`` (fresh
connections reach both workers); after the load it goes on until every worker is seen serving
the new version (bounded).

The second version is the champion's fitted recommender logged again as a new registered
version (``--new-version relog``, the default: same model, so the swap costs what a retrained
model of the same configuration costs) or a newly trained model (``--new-version train``: a fit
with another seed, registered without promotion before the load starts).

The client keeps idle connections httpx's default 5 s (``--client-keepalive``); the server keeps
them 75 s (``asn-reco serve --keep-alive``). When the server's keep-alive was 5 s as well, a request
sent on a connection the server was closing at that moment failed with ReadError or
RemoteProtocolError and no line in the server's log (9 of 1,800 in one run): a server must keep
idle connections longer than its clients or proxy do.

Run ``python -m benchmarks.load_swap`` (builds a small synthetic workspace first) or
``--data-dir`` a workspace with a champion (built there when it has no database). The workspace
gains a version and its champion changes: use a copy.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

from benchmarks.serve_latency import (
    HOST,
    build_workspace,
    fixed_rate,
    free_port,
    log_tail,
    prepare_user_and_ids,
    start_server,
    stop_server,
    summarise,
    wait_ready,
)

RESULTS = Path(__file__).parent / "results" / "load_swap.json"
# One cycle of the mix: R recommendations, D employee profile, H /health/live, M GET /model.
MIX = ("R", "R", "D", "R", "H", "R", "R", "D", "R", "M")
KINDS = {"R": "recommendations", "D": "employee", "H": "health/live", "M": "model"}


def _settings(data_dir: Path):
    os.environ["ASN_DATA_DIR"] = str(data_dir)
    from service.settings import get_settings

    get_settings.cache_clear()
    return get_settings()


def register_new_version(data_dir: Path, mode: str = "relog", config=None) -> tuple[str, str]:
    """Register a second version (not promoted) next to the champion.

    Args:
        mode: ``relog`` logs the champion's fitted recommender again (metrics, parameters and
            card copied); ``train`` fits a new model with ``config`` (default: the default
            configuration with seed 8) on the workspace's data.

    Returns:
        The champion's version and the new one.
    """
    s = _settings(data_dir)
    import mlflow

    from model import registry
    from service.model_inputs import load_model_frames
    from service.storage.engine import get_engine
    from service.training import signature_example, train_and_register

    client = registry.client_for(s.tracking_uri, s.artifact_root)
    old = registry.version_info(client, registry.CHAMPION)
    if mode == "train":
        from model.config import ModelConfig

        outcome = train_and_register(get_engine(), promote=False,
                                     config=config or ModelConfig(seed=8))
        return old.version, str(outcome.version)
    if mode != "relog":
        raise ValueError(f"mode must be relog or train, not {mode!r}")
    rec, info = registry.load_version(client, old.version)
    run = client.get_run(info.run_id)
    cards = {}
    for ext in ("md", "html"):
        try:
            cards[f"model_card.{ext}"] = registry.model_card(client, info.version, ext)
        except (OSError, mlflow.exceptions.MlflowException) as exc:  # swaps without a card
            print(f"version {info.version} has no {ext} card: {type(exc).__name__}", flush=True)
    tags = {k: v for k, v in info.tags.items() if k in ("as_of", "holdout")}
    new = registry.log_version(
        rec, s.tracking_uri, s.artifact_root, dict(run.data.metrics), dict(run.data.params),
        {**tags, "relogged_from": info.version, "source": "benchmarks.load_swap"}, cards,
        signature_example(rec, load_model_frames(get_engine())))
    return old.version, new.version


def promoter(data_dir: Path):
    """``promote(version)``: the product's promotion on this workspace's registry."""
    s = _settings(data_dir)
    from model import registry

    client = registry.client_for(s.tracking_uri, s.artifact_root)
    return lambda version: registry.promote(client, version)


def _epoch(stamp: str | None) -> float | None:
    return dt.datetime.fromisoformat(stamp).timestamp() if stamp else None


async def _model_info(base: str, headers: dict) -> dict:
    """``GET /model`` on a fresh connection (so either worker may accept it)."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.get("/api/v1/model", headers=headers)
        r.raise_for_status()
        return r.json()


async def find_workers(base: str, headers: dict, version: str, n: int,
                       timeout: float) -> set[str]:
    """``loaded_at`` of up to ``n`` workers serving ``version`` (fresh connections, bounded)."""
    found: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(found) < n and time.monotonic() < deadline:
        try:
            info = await _model_info(base, headers)
        except httpx.HTTPError:
            info = {}
        if info.get("version") == version:
            found.add(info["loaded_at"])
        await asyncio.sleep(0.1)
    return found


def mix_paths(ids: list[str], n: int) -> list[tuple[str, str]]:
    """``n`` (kind, path) of the mix; recommendations and profiles go round the employees."""
    out, e = [], 0
    while len(out) < n:
        slot = MIX[len(out) % len(MIX)]
        if slot in "RD":
            eid = ids[e % len(ids)]
            e += 1
            out.append((KINDS[slot], f"/api/v1/employees/{eid}/recommendations" if slot == "R"
                        else f"/api/v1/employees/{eid}"))
        else:
            out.append((KINDS[slot], "/api/v1/health/live" if slot == "H" else "/api/v1/model"))
    return out


def _conn_port(r: httpx.Response | None) -> int | None:
    stream = r.extensions.get("network_stream") if r is not None else None
    addr = stream.get_extra_info("client_addr") if stream is not None else None
    return addr[1] if addr else None


async def _drive(base: str, headers: dict, mix: list[tuple[str, str]], rate: float,
                 duration: float, promote_at: float, promote, new: str, probe_interval: float,
                 records: list[dict], probes: list[dict],
                 keepalive_expiry: float = 5.0) -> tuple[dict, dict]:
    """The fixed-rate load, the promotion at ``promote_at`` s and the fresh-connection probe."""
    offset = time.time() - time.perf_counter()  # perf_counter -> epoch seconds
    start = time.perf_counter()
    promotion: dict = {}
    stop = asyncio.Event()

    def on_response(i, scheduled, done, r, error) -> None:
        kind = mix[i % len(mix)][0]
        row = {"i": i, "kind": kind, "scheduled": scheduled, "done": done, "error": error,
               "conn": _conn_port(r), "version": None, "loaded_at": None}
        if error is None and kind in ("recommendations", "model"):
            body = r.json()
            row["version"] = body.get("model_version") or body.get("version")
            row["loaded_at"] = body.get("loaded_at")
        records.append(row)

    async def promote_later() -> None:
        await asyncio.sleep(max(0.0, start + promote_at - time.perf_counter()))
        promotion["started"] = time.perf_counter()
        await asyncio.to_thread(promote, new)  # verify the artifact, then the champion alias
        promotion["done"] = time.perf_counter()

    async def probe() -> None:
        while not stop.is_set():
            sent = time.perf_counter()
            try:
                info = await _model_info(base, headers)
                probes.append({"t": time.perf_counter(), "sent": sent, "error": None,
                               "version": info.get("version"), "loaded_at": info.get("loaded_at")})
            except httpx.HTTPError as exc:
                probes.append({"t": time.perf_counter(), "sent": sent,
                               "error": type(exc).__name__, "version": None, "loaded_at": None})
            try:
                await asyncio.wait_for(stop.wait(), probe_interval)
            except TimeoutError:
                pass

    async def load() -> dict:
        try:
            return await fixed_rate(base, [p for _, p in mix], headers, rate, duration,
                                    on_response, keepalive_expiry)
        finally:
            stop.set()

    overall, _, _ = await asyncio.gather(load(), promote_later(), probe())
    return overall, {"offset": offset, "start": start, **promotion}


def analyse(records: list[dict], probes: list[dict], clock: dict, old: str, new: str,
            rate: float, duration: float, workers: int, after_probes: list[dict]) -> dict:
    """Windows, versions, swap times and mixed connections from the recorded responses."""
    start, promoted = clock["start"], clock["done"]
    offset = clock["offset"]
    rel = lambda t: None if t is None else round(t - promoted, 3)
    versioned = [r for r in records if r["version"] is not None]
    versioned += [{"done": p["t"], "version": p["version"], "loaded_at": p["loaded_at"],
                   "conn": None} for p in probes if p["error"] is None]
    old_done = [r["done"] for r in versioned if r["version"] == old]
    new_done = [r["done"] for r in versioned if r["version"] == new]
    last_old = max(old_done) if old_done else None
    first_new = min(new_done) if new_done else None
    # loaded_at of each worker serving the new version: its swap instant (server clock)
    seen = versioned + [{"version": p["version"], "loaded_at": p["loaded_at"]}
                        for p in after_probes if p["error"] is None]
    new_loaded = sorted({r["loaded_at"] for r in seen if r["version"] == new and r["loaded_at"]})
    old_loaded = sorted({r["loaded_at"] for r in seen if r["version"] == old and r["loaded_at"]})
    swaps = [_epoch(s) - offset for s in new_loaded]
    all_new = max([t for t in [last_old, *swaps] if t is not None], default=promoted)
    # A keep-alive connection stays with one worker: its versions must go old -> new only.
    by_conn: dict[int, list[tuple[float, str]]] = defaultdict(list)
    for r in records:
        if r["version"] is not None and r["conn"] is not None:
            by_conn[r["conn"]].append((r["done"], r["version"]))
    mixed = 0
    for seq in by_conn.values():
        seq.sort()
        went_new = False
        for _, v in seq:
            went_new = went_new or v == new
            if went_new and v == old:
                mixed += 1
                break

    def window(lo: float, hi: float) -> dict:
        rows = [r for r in records if lo <= r["scheduled"] < hi]
        lat = [r["done"] - r["scheduled"] for r in rows if r["error"] is None]
        errors = Counter(r["error"] for r in rows if r["error"] is not None)
        out = summarise(lat, errors, hi - lo if rows else 0.0)
        out["versions"] = dict(Counter(r["version"] for r in rows if r["version"] is not None))
        return out

    end = max([r["scheduled"] for r in records], default=start) + 1e-6
    windows = {"before promotion": window(start, clock["started"]),
               "promotion to all swapped": window(clock["started"], all_new),
               "after all swapped": window(all_new, end)}
    by_kind = {}
    for kind in KINDS.values():
        rows = [r for r in records if r["kind"] == kind]
        by_kind[kind] = summarise([r["done"] - r["scheduled"] for r in rows if r["error"] is None],
                                  Counter(r["error"] for r in rows if r["error"] is not None),
                                  duration)
    probe_errors = Counter(p["error"] for p in probes + after_probes if p["error"] is not None)
    before = [r for r in versioned if r["done"] < clock["started"]]
    after = [r for r in versioned if r["done"] > all_new]
    return {
        "old_version": old, "new_version": new,
        "promotion_at_s": round(clock["started"] - start, 2),
        "promotion_call_s": round(clock["done"] - clock["started"], 3),
        "first_new_response_after_promotion_s": rel(first_new),
        "last_old_response_after_promotion_s": rel(last_old),
        "worker_swaps_after_promotion_s": [rel(t) for t in swaps],
        "all_new_after_promotion_s": rel(all_new),
        "workers_seen_old": len(old_loaded), "workers_seen_new": len(new_loaded),
        "workers": workers,
        "versions_before_promotion": dict(Counter(r["version"] for r in before)),
        "versions_after_all_swapped": dict(Counter(r["version"] for r in after)),
        "versions_seen": sorted({r["version"] for r in versioned}),
        "connections": len(by_conn), "mixed_connections": mixed,
        "requests_sent": len(records), "requests_planned": int(rate * duration),
        "errors": sum(1 for r in records if r["error"] is not None) + sum(probe_errors.values()),
        "probe_requests": len(probes) + len(after_probes), "probe_errors": dict(probe_errors),
        "windows": windows, "by_kind": by_kind,
    }


def run(data_dir: Path, rate: float = 40.0, duration: float = 60.0,
        promote_at: float | None = None, workers: int = 2, poll_seconds: float = 2.0,
        new_version: str = "relog", config=None, probe_interval: float = 0.5,
        confirm_timeout: float = 120.0, log: Path | None = None,
        keepalive_expiry: float = 5.0) -> dict:
    """Register a second version, serve, load at ``rate`` for ``duration`` s and promote it at
    ``promote_at`` s; the analysed results (see :func:`analyse`).

    ``promote_at`` defaults to a sixth of the way (10 s of a 60 s load): each worker then has
    the rest of the load to load, precompute and swap the new version.
    """
    promote_at = duration / 6 if promote_at is None else promote_at
    t0 = time.perf_counter()
    old, new = register_new_version(data_dir, new_version, config)
    prepared_s = time.perf_counter() - t0
    print(f"champion {old}; version {new} registered ({new_version}) in {prepared_s:.1f} s",
          flush=True)
    token, ids = prepare_user_and_ids(data_dir, 500)
    promote = promoter(data_dir)
    headers = {"Authorization": f"Bearer {token}"}
    mix = mix_paths(ids, int(rate * duration) + len(MIX))
    port = free_port()
    base = f"http://{HOST}:{port}"
    log = log or data_dir / "load_swap.log"
    proc = start_server(data_dir, port, workers, log,
                        {"ASN_API_MODEL_POLL_SECONDS": f"{poll_seconds:g}"})
    print(f"server starting on {base} (log: {log})", flush=True)
    records: list[dict] = []
    probes: list[dict] = []
    try:
        started = time.perf_counter()
        wait_ready(base, proc, log)
        ready_s = time.perf_counter() - started
        ready_workers = asyncio.run(find_workers(base, headers, old, workers, confirm_timeout))
        if len(ready_workers) < workers:
            raise RuntimeError(f"only {len(ready_workers)} worker(s) found serving version {old}: "
                               f"{log_tail(log)}")
        print(f"ready after {ready_s:.1f} s, {workers} workers serving version {old}; "
              f"{rate:g} requests/s for {duration:g} s, promotion of {new} at {promote_at:g} s",
              flush=True)
        overall, clock = asyncio.run(_drive(base, headers, mix, rate, duration, promote_at,
                                            promote, new, probe_interval, records, probes,
                                            keepalive_expiry))
        # After the load: fresh connections until every worker is seen on the new version.
        after_probes: list[dict] = []
        if len({p["loaded_at"] for p in probes if p["version"] == new}) < workers:
            for stamp in asyncio.run(find_workers(base, headers, new, workers, confirm_timeout)):
                after_probes.append({"error": None, "version": new, "loaded_at": stamp})
        if proc.poll() is not None:
            raise RuntimeError(f"server exited during the load: {log_tail(log)}")
    finally:
        stop_server(proc)
    result = analyse(records, probes, clock, old, new, rate, duration, workers, after_probes)
    result.update({"overall": overall, "rate": rate, "duration_s": duration,
                   "poll_seconds": poll_seconds, "new_version_mode": new_version,
                   "client_keepalive_expiry_s": keepalive_expiry, "server_keepalive_s": 75,
                   "register_new_version_s": round(prepared_s, 1), "startup_s": round(ready_s, 1),
                   "employees_in_mix": len(ids), "mix": {k: MIX.count(s) / len(MIX)
                                                         for s, k in KINDS.items()}})
    return result


def print_table(result: dict) -> None:
    """The windows and per-kind latencies, the swap times and the checks."""
    print(f"{'window / kind':<30}{'req':>7}{'err':>5}{'rps':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}  versions")
    rows = [("overall", result["overall"])] + list(result["windows"].items()) + \
        [(f"  {k}", v) for k, v in result["by_kind"].items()]
    for name, r in rows:
        versions = ", ".join(f"v{v}: {n}" for v, n in sorted(r.get("versions", {}).items()))
        print(f"{name:<30}{r['requests']:>7}{r['errors']:>5}{r['rps']:>8.1f}{r['p50_ms']:>9.1f}"
              f"{r['p95_ms']:>9.1f}{r['p99_ms']:>9.1f}  {versions}")
    swaps = ", ".join(f"{t:.1f}" for t in result["worker_swaps_after_promotion_s"])
    print(f"promotion of v{result['new_version']} (champion was v{result['old_version']}) at "
          f"{result['promotion_at_s']:.1f} s; promote() took {result['promotion_call_s']:.2f} s")
    print(f"after the promotion: first new-version response {result['first_new_response_after_promotion_s']} s, "
          f"worker swaps at [{swaps}] s, last old-version response "
          f"{result['last_old_response_after_promotion_s']} s, all new from "
          f"{result['all_new_after_promotion_s']} s")
    print(f"workers seen on the old version {result['workers_seen_old']}, on the new "
          f"{result['workers_seen_new']} (of {result['workers']}); versions before the promotion "
          f"{result['versions_before_promotion']}, after all swapped "
          f"{result['versions_after_all_swapped']}; mixed connections "
          f"{result['mixed_connections']} of {result['connections']}; errors {result['errors']} "
          f"(probes {result['probe_requests']}); load average "
          f"{result['load_average_at_start'][0]:.1f} at the start, "
          f"{result['load_average'][0]:.1f} at the end, on {result['cpu_count']} cores")


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark, print a table and write the JSON results."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load_swap")
    parser.add_argument("--data-dir", type=Path,
                        help="workspace with a champion (it gains a version and a new champion: "
                             "use a copy); built there when it has no database "
                             "(default: a temporary one)")
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--promote-at", type=float, help="seconds into the load (default 1/6)")
    parser.add_argument("--poll-seconds", type=float, default=2.0)
    parser.add_argument("--new-version", choices=("relog", "train"), default="relog")
    parser.add_argument("--client-keepalive", type=float, default=5.0,
                        help="seconds the client keeps an idle connection (httpx's default; the "
                             "server keeps them 75 s: see the module docstring)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if not (data_dir / "asn_reco.db").exists():
            build_workspace(data_dir, args.employees, args.years)
        result = run(data_dir, args.rate, args.duration, args.promote_at, args.workers,
                     args.poll_seconds, args.new_version,
                     keepalive_expiry=args.client_keepalive)
    result.update({"cpu_count": os.cpu_count(), "load_average_at_start": load_before,
                   "load_average": os.getloadavg(),
                   "data_dir": str(args.data_dir) if args.data_dir else None})
    print_table(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
