"""API fuzzing: schemathesis over every operation of the OpenAPI schema, as admin, in process.

A synthetic workspace (300 employees, 3 years by default) is imported and a small model trained
and promoted; the app then serves it through Starlette's ``TestClient`` (ASGI, no network).
For each operation, ``--examples`` positive cases (valid by the schema) and ``--examples``
negative ones (each breaking some rule of the schema) are generated; an operation with few
distinct inputs (no parameters) gets fewer.
Every response is checked: no server error (a 503 with ``Retry-After`` is back-pressure), and
status code, content type and body conform to the schema. Failures are counted by kind.

The retraining job is a quick stand-in (the real one takes minutes; its gates are tested in
``tests/service/test_retraining.py``); plan builds, imports, rollback and the rest are real.
Run ``python -m benchmarks.api_fuzz``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

RESULTS = Path(__file__).parent / "results" / "api_fuzz.json"
ADMIN = "fuzz_admin"


def build_workspace(data_dir: Path, employees: int, years: int, seed: int) -> str:
    """The serving benchmark's workspace with a small model, and the admin user."""
    from benchmarks.serve_latency import build_workspace as build_served
    from model.config import ModelConfig
    from service.auth.users import create_user
    from service.storage.engine import get_engine

    config = ModelConfig(train_quarters=4, ranker_max_iter=30, engagement_max_iter=30, seed=1)
    outcome = build_served(data_dir, employees, years, seed=seed, config=config)
    engine = get_engine()
    create_user(engine, ADMIN, "fuzz-admin-password-1", "admin")
    engine.dispose()
    return str(outcome.version)


def no_unexpected_server_error(ctx, response, case) -> bool | None:
    """A 5xx fails unless it is a 503 the operation documents and that says when to retry."""
    if response.status_code < 500:
        return None
    declared = case.operation.definition.raw.get("responses", {})
    if response.status_code == 503 and "503" in declared and "retry-after" in {
            k.lower() for k in response.headers}:
        return None
    raise AssertionError(f"server error {response.status_code}: {response.text[:300]}")


def httpx_kwargs(case, headers: dict[str, str]) -> dict:
    """The case as ``TestClient.request`` arguments (schemathesis shapes them for requests,
    which sends any form value as text; httpx wants text or bytes)."""
    kwargs = case.as_transport_kwargs(headers=headers)
    kwargs.pop("base_url", None)
    if kwargs.get("files"):
        kwargs["files"] = [(name, (part[0], part[1] if isinstance(part[1], (str, bytes))
                                   else str(part[1]), *part[2:]))
                           for name, part in kwargs["files"]]
    if isinstance(kwargs.get("data"), (str, bytes)):
        kwargs["content"] = kwargs.pop("data")
    return kwargs


def fuzz_operation(operation, client, headers: dict, checks: list, examples: int,
                   stats: dict) -> None:
    """Send generated cases of one operation; count statuses and failures in ``stats``."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode
    from schemathesis.core.failures import Failure, FailureGroup

    def send(case) -> None:
        response = client.request(**httpx_kwargs(case, headers))
        response.request.read()  # a multipart body is streamed; the checks read what was sent
        stats["examples"] += 1
        stats["status"][f"{response.status_code // 100}xx"] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except (FailureGroup, Failure) as exc:
            for failure in getattr(exc, "exceptions", (exc,)):
                kind = f"{failure.code} {failure.kind_title}"
                stats["failures"][kind] += 1
                if len(stats["samples"]) < 3:
                    stats["samples"].append(f"{kind}: {failure.title} | {case.as_curl_command()}"
                                            [:400])

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case) -> None:
            send(case)

        try:
            run()
        except Unsatisfiable:  # nothing to break: the operation takes no input
            stats["notes"].append(f"no {mode.value} cases (the operation takes no input)")


def run(args: argparse.Namespace) -> dict:
    import schemathesis
    from fastapi.testclient import TestClient
    from schemathesis.checks import (content_type_conformance, response_schema_conformance,
                                     status_code_conformance)

    from service import retraining
    from service.api.app import create_app
    from service.api.settings import ApiSettings
    from service.auth import tokens
    from service.model_source import RegistrySource
    from service.plans import builds
    from service.retrain_jobs import JOB
    from service.settings import get_settings
    from service.storage.engine import get_engine

    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="asn-fuzz-")) / "data"
    started = time.perf_counter()
    version = build_workspace(data_dir, args.employees, args.years, args.seed)
    setup_s = time.perf_counter() - started
    print(f"workspace ready in {setup_s:.0f} s: model version {version}", flush=True)

    def quick_retrain(engine, quarter, force=False, progress=None, actor=None, **kw):
        progress("training the challenger", 0.5)
        return SimpleNamespace(status="rejected", message=f"stand-in retraining of {quarter}")

    retraining.retrain = quick_retrain
    builds._builds = builds.PlanBuilds(max_workers=1, max_waiting=2)
    check = schemathesis.check(no_unexpected_server_error)
    checks = [check, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    api = ApiSettings(model_poll_seconds=0, context_rebuild_delay=0.0, login_max_per_client=10**6)
    settings = get_settings()
    engine = get_engine()
    app = create_app(engine, RegistrySource(settings.tracking_uri, settings.artifact_root), api)
    results: dict[str, dict] = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        services = client.app.state.services
        token, _ = tokens.issue(services.jwt_secret, ADMIN, "admin", minutes=24 * 60)
        headers = {"Authorization": f"Bearer {token}"}
        schema = schemathesis.openapi.from_dict(app.openapi())
        for result in schema.get_all_operations():
            operation = result.ok()
            stats = {"examples": 0, "status": Counter(), "failures": Counter(), "samples": [],
                     "notes": []}
            t0 = time.perf_counter()
            fuzz_operation(operation, client, headers, checks, args.examples, stats)
            stats["seconds"] = round(time.perf_counter() - t0, 2)
            results[operation.label] = {**stats, "status": dict(stats["status"]),
                                        "failures": dict(stats["failures"])}
            print(f"{operation.label:<52}{stats['examples']:>6}{sum(stats['failures'].values()):>6}"
                  f"{stats['seconds']:>8.1f} s", flush=True)
        builds.get_builds().shutdown(wait=True)
    deadline = time.monotonic() + 60
    while JOB.running and time.monotonic() < deadline:
        time.sleep(0.1)
    engine.dispose()
    get_settings.cache_clear()
    return {"setup_seconds": round(setup_s, 1), "operations": results}


def main(argv: list[str] | None = None) -> dict:
    """Run the fuzzing, print the table and write ``results/api_fuzz.json``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.api_fuzz")
    parser.add_argument("--examples", type=int, default=100,
                        help="generated cases per operation and mode (positive, negative)")
    parser.add_argument("--employees", type=int, default=300)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--data-dir", type=Path, help="workspace (default: a temporary folder)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    out = run(args)
    ops = out["operations"]
    total_failures = Counter()
    for r in ops.values():
        total_failures.update(r["failures"])
    result = {
        "examples_per_mode": args.examples, "employees": args.employees, "years": args.years,
        "operations_fuzzed": len(ops), "requests": sum(r["examples"] for r in ops.values()),
        "failures": dict(total_failures), "total_seconds": round(time.perf_counter() - started, 1),
        **out,
    }
    print()
    print(f"{'operation':<52}{'cases':>6}{'2xx':>6}{'4xx':>6}{'5xx':>6}{'s':>8}  failures")
    for label, r in ops.items():
        s = r["status"]
        kinds = ", ".join(f"{k}: {n}" for k, n in r["failures"].items()) or "none"
        print(f"{label:<52}{r['examples']:>6}{s.get('2xx', 0):>6}{s.get('4xx', 0):>6}"
              f"{s.get('5xx', 0):>6}{r['seconds']:>8.1f}  {kinds}")
    print(f"{len(ops)} operations, {result['requests']:,} requests, failures: "
          f"{dict(total_failures) or 'none'}; {result['total_seconds']:.0f} s in all "
          f"(workspace {out['setup_seconds']:.0f} s)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
