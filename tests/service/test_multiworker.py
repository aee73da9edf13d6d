"""Two uvicorn workers on PostgreSQL and one MLflow store: same answers, same model switch.

``asn-reco serve --workers 2`` runs on loopback against a fresh PostgreSQL schema
(``TEST_DATABASE_URL``, as ``.ci/services.sh`` exports it) and a local MLflow store shared by both
workers. A worker is told apart by its ``loaded_at`` (each process loads the model itself), and a
keep-alive connection stays with the worker that accepted it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from benchmarks.serve_latency import stop_server
from service.settings import get_settings

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
HOST = "127.0.0.1"
WAIT_SECONDS = 180.0


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@pytest.fixture
def pg_workspace(tmp_path):
    """A workspace on a new PostgreSQL schema and a local MLflow store, with a champion."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set: the two-worker test needs PostgreSQL "
                    "(CI exports it from .ci/services.sh)")
    from model.config import ModelConfig
    from service.auth import tokens
    from service.auth.users import create_user
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db
    from service.training import train_and_register
    from synthetic import generate, write_world

    schema = f"mw_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    env = {"ASN_DATA_DIR": str(tmp_path / "data"),
           "DATABASE_URL": f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}",
           "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"}
    config = ModelConfig(train_quarters=4, ranker_max_iter=40, engagement_max_iter=40)
    write_world(generate(300, 3, seed=13), tmp_path / "raw", tmp_path / "truth")
    try:
        with pytest.MonkeyPatch.context() as mp:
            for name, value in env.items():
                mp.setenv(name, value)
            mp.delenv("ASN_PSEUDONYM_KEY", raising=False)
            get_settings.cache_clear()
            engine = get_engine()
            init_db(engine)
            assert import_paths([tmp_path / "raw"], engine).ok
            first = train_and_register(engine, config=config)
            create_user(engine, "mw_admin", "mw-password-not-secret", "admin")
            token, _ = tokens.issue(tokens.secret_from_file(tokens.SECRET_NAME), "mw_admin",
                                    "admin", 30)
            with engine.connect() as conn:
                ids = [r[0] for r in conn.exec_driver_sql(
                    "SELECT employee_id FROM employees WHERE active ORDER BY employee_id LIMIT 3")]

            def promote_new() -> str:
                """Train a different model (another seed) and promote it, as retraining does."""
                with pytest.MonkeyPatch.context() as inner:
                    for name, value in env.items():
                        inner.setenv(name, value)
                    get_settings.cache_clear()
                    return train_and_register(engine, config=ModelConfig(
                        train_quarters=4, ranker_max_iter=50, engagement_max_iter=40,
                        seed=8)).version

            yield {"env": env, "token": token, "ids": ids, "version": first.version,
                   "promote": promote_new}
            engine.dispose()
    finally:
        get_settings.cache_clear()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def two_workers(pg_workspace):
    """``asn-reco serve --workers 2`` on loopback, polling the champion every second."""
    port = _free_port()
    env = {**os.environ, **pg_workspace["env"], "ASN_API_MODEL_POLL_SECONDS": "1",
           "ASN_API_PRECOMPUTE_K": "10"}
    env.pop("ASN_PSEUDONYM_KEY", None)
    cli = Path(sys.executable).parent / "asn-reco"
    proc = subprocess.Popen([str(cli), "serve", "--host", HOST, "--port", str(port),
                             "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        yield f"http://{HOST}:{port}/api/v1", proc
    finally:
        stop_server(proc)


def _workers(base: str, headers: dict, proc, version: str) -> dict[str, httpx.Client]:
    """A keep-alive client per worker serving ``version`` (two), within the bounded wait."""
    found: dict[str, httpx.Client] = {}
    deadline = time.monotonic() + WAIT_SECONDS
    while len(found) < 2 and time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        client = httpx.Client(base_url=base, headers=headers, timeout=30)
        try:
            info = client.get("/model").json()
        except httpx.HTTPError:
            client.close()
            time.sleep(0.5)
            continue
        if info.get("version") == version and info["loaded_at"] not in found:
            found[info["loaded_at"]] = client
        else:
            client.close()
            time.sleep(0.1)
    assert len(found) == 2, f"found {len(found)} worker(s) serving version {version}"
    return found


def _answers(workers: dict[str, httpx.Client], ids: list[str]) -> list[list]:
    """Each worker's recommendations for ``ids``, checked to come from that worker."""
    out = []
    for loaded_at, client in workers.items():
        recs = []
        for eid in ids:
            r = client.get(f"/employees/{eid}/recommendations", params={"k": 5})
            assert r.status_code == 200, r.text
            recs.append([(i["program_id"], round(i["score"], 9)) for i in r.json()["items"]])
        assert client.get("/model").json()["loaded_at"] == loaded_at  # same process answered
        out.append(recs)
    return out


def test_two_workers_answer_the_same_and_both_switch_to_a_promoted_model(pg_workspace,
                                                                         two_workers):
    base, proc = two_workers
    headers = {"Authorization": f"Bearer {pg_workspace['token']}"}
    ids, old = pg_workspace["ids"], pg_workspace["version"]
    workers = _workers(base, headers, proc, old)
    first, second = _answers(workers, ids)
    assert first == second and all(first)

    new = pg_workspace["promote"]()
    assert new != old
    for client in workers.values():
        client.close()
    switched = _workers(base, headers, proc, new)
    first_new, second_new = _answers(switched, ids)
    assert first_new == second_new and all(first_new)
    for client in switched.values():
        client.close()
