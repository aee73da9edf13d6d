"""Quick fuzzing of every operation of the API's OpenAPI schema with schemathesis (as admin).

The app serves a real small model (a private copy of ``real_world``: plans and risk groups need
a real recommender) through the in-process ASGI transport of Starlette's ``TestClient``. Checks:
no server error (a documented 503 with ``Retry-After`` is back-pressure, not an error), and the
status code, content type and body conform to the schema. A few examples per operation; the
benchmark ``benchmarks/api_fuzz.py`` runs at least 100.

Retraining is replaced by a quick stand-in (the real one takes minutes and is tested in
``tests/service/test_retraining.py``); plan builds, imports, rollback and the rest are real.
"""

from __future__ import annotations

import shutil
import time
from types import SimpleNamespace

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (content_type_conformance, response_schema_conformance,
                                 status_code_conformance)

from benchmarks.api_fuzz import httpx_kwargs, no_unexpected_server_error
from service.settings import get_settings

EXAMPLES = 4
JOB_WAIT_S = 60.0


# The benchmark's own check and request shaping (benchmarks/api_fuzz.py runs the long version).
CHECKS = [schemathesis.check(no_unexpected_server_error), status_code_conformance,
          content_type_conformance, response_schema_conformance]


TIMES: dict[str, list[float]] = {}


@pytest.fixture(scope="module")
def fuzz_world(real_world, api_settings, tmp_path_factory):
    """A started app on a private copy of ``real_world`` and an admin's headers."""
    from service import retraining
    from service.api.app import create_app
    from service.auth import tokens
    from service.model_source import RegistrySource
    from service.plans import builds
    from service.storage.engine import get_engine

    with real_world["engine"].connect() as conn:  # the copy must not miss the WAL's pages
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(real_world["data_dir"], folder, ignore=shutil.ignore_patterns("raw", "truth"))

    def quick_retrain(engine, quarter, force=False, progress=None, actor=None, **kw):
        progress("training the challenger", 0.5)
        return SimpleNamespace(status="rejected", message=f"stand-in retraining of {quarter}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(folder))
        for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        mp.setattr(retraining, "retrain", quick_retrain)
        pool = builds.PlanBuilds(max_workers=1, max_waiting=2)  # few builds: the fuzz is short
        mp.setattr(builds, "_builds", pool)
        engine = get_engine()
        s = get_settings()
        with TestClient(create_app(engine, RegistrySource(s.tracking_uri, s.artifact_root),
                                   api_settings), raise_server_exceptions=False) as client:
            services = client.app.state.services
            assert services.server.state is not None, services.server.status().last_error
            token, _ = tokens.issue(services.jwt_secret, "real_admin", "admin", minutes=60)
            yield SimpleNamespace(client=client, engine=engine,
                                  headers={"Authorization": f"Bearer {token}"})
            pool.shutdown(wait=True)  # no build may outlive the workspace
            for label, seconds in sorted(TIMES.items(), key=lambda kv: -sum(kv[1])):
                print(f"{label}: {len(seconds)} requests, {sum(seconds):.1f} s")
        from service.retrain_jobs import JOB

        deadline = time.monotonic() + JOB_WAIT_S
        while JOB.running and time.monotonic() < deadline:
            time.sleep(0.05)
        engine.dispose()
    get_settings.cache_clear()


def _openapi() -> dict:
    """The app's OpenAPI document (building the app starts nothing: that is the lifespan's job)."""
    from service.api.app import create_app
    from service.api.settings import ApiSettings

    try:
        return create_app(api=ApiSettings()).openapi()
    finally:
        get_settings.cache_clear()


# Loaded at collection so that each operation is a test of its own. The coverage phase (every
# boundary and negative value of every parameter, ~1,700 requests) is the benchmark's job.
QUICK = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
schema = schemathesis.openapi.from_dict(_openapi(), config=QUICK)


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_operation_never_fails_and_matches_its_schema(case, fuzz_world):
    started = time.perf_counter()
    response = fuzz_world.client.request(**httpx_kwargs(case, fuzz_world.headers))
    response.request.read()  # a multipart body is streamed; the checks read what was sent
    try:
        case.validate_response(response, checks=CHECKS, headers=fuzz_world.headers)
    finally:
        TIMES.setdefault(case.operation.label, []).append(time.perf_counter() - started)
