"""Faults: SIGKILL during an import, a locked database, an unreachable MLflow store."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.settings import ApiSettings
from service.auth import tokens
from service.auth.users import create_user
from service.ingest.importer import import_paths
from service.settings import get_settings
from service.storage.engine import _set_sqlite_pragmas, get_engine, init_db
from service.storage.integrity import check_db

SITI, P001 = "198503122010012001", "P001"
SETTINGS = ApiSettings(model_poll_seconds=60, context_rebuild_delay=0.0, precompute_k=0)


class NoRegistry:
    """A model source with nothing registered (these tests need no model)."""

    def champion(self) -> str:
        raise LookupError("no champion registered in this test")

    def load(self, version: str):
        raise LookupError(version)


# ------------------------------------------------------------------ SIGKILL during an import
@pytest.mark.slow
def test_sigkill_while_an_import_writes_leaves_all_or_nothing(data_dir, tmp_path):
    from synthetic import generate, write_world

    files = tmp_path / "files"
    write_world(generate(4000, 4, seed=5), files, tmp_path / "truth")
    engine = get_engine()
    init_db(engine)
    assert import_paths([files / "units.csv", files / "competencies.csv"], engine).ok
    before = check_db(engine).counts
    engine.dispose()
    wal = data_dir / "asn_reco.db-wal"
    command = [str(Path(sys.executable).parent / "asn-reco"), "import", str(files)]
    process = subprocess.Popen(command, env={**os.environ, "ASN_DATA_DIR": str(data_dir)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.perf_counter()
    try:
        # Writing has begun once the WAL grows past what opening and validating leave there.
        while process.poll() is None and (not wal.exists() or wal.stat().st_size < 4 * 1024 * 1024):
            time.sleep(0.005)
        assert process.poll() is None, "the import finished before it could be killed"
        wal_at_kill = wal.stat().st_size
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    killed_after = time.perf_counter() - started
    assert process.returncode == -signal.SIGKILL

    engine = get_engine()
    try:
        after_kill = check_db(engine)
        assert after_kill.ok, after_kill.problems
        assert after_kill.counts == before  # the transaction never committed: nothing of it
        assert import_paths([files], engine).ok  # and the same import then goes through
        complete = check_db(engine)
        assert complete.ok and complete.counts["enrollments"] > 0
        assert all(complete.counts[t] >= n for t, n in before.items())
    finally:
        engine.dispose()
    print(f"killed {killed_after:.1f} s after start with {wal_at_kill / 2**20:.0f} MB in the WAL; "
          f"{sum(complete.counts.values()) - sum(before.values()):,} rows were not written")


# ------------------------------------------------------------------ a locked database
@pytest.fixture
def api_db(data_dir, sample_dir):
    """The sample data and an admin user; yields the database path."""
    engine = get_engine()
    init_db(engine)
    assert import_paths([sample_dir], engine).ok
    create_user(engine, "admin1", "correct-horse-battery", "admin")
    engine.dispose()
    return data_dir / "asn_reco.db"


def _client(engine: sa.Engine) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(create_app(engine, NoRegistry(), SETTINGS))
    client.__enter__()
    token, _ = tokens.issue(client.app.state.services.jwt_secret, "admin1", "admin", minutes=5)
    return client, {"Authorization": f"Bearer {token}"}


def _decisions(path: Path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT count(*) FROM decisions").fetchone()[0]


DECISION = {"employee_id": SITI, "program_id": P001, "decision": "rejected", "reason": "drill"}


def test_a_locked_database_answers_503_with_retry_after_then_succeeds(api_db):
    # The production engine waits 30 s for a lock; a short busy timeout keeps the test fast.
    engine = sa.create_engine(f"sqlite:///{api_db}", connect_args={"timeout": 0.5})
    sa.event.listen(engine, "connect", _set_sqlite_pragmas)
    client, auth = _client(engine)
    holder = sqlite3.connect(api_db, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.perf_counter()
        busy = client.post("/api/v1/decisions", json=DECISION, headers=auth)
        waited = time.perf_counter() - started
        assert busy.status_code == 503, busy.text
        assert busy.headers["Retry-After"] == str(SETTINGS.retry_after_seconds)
        assert "busy" in busy.json()["detail"] and SITI not in busy.text
        assert client.get("/api/v1/health/live").status_code == 200
        holder.execute("ROLLBACK")
        done = client.post("/api/v1/decisions", json=DECISION, headers=auth)
        assert done.status_code == 201, done.text
        assert _decisions(api_db) == 1  # the refused request left nothing behind
    finally:
        holder.close()
        client.__exit__(None, None, None)
        engine.dispose()
    print(f"503 after {waited:.2f} s (busy timeout 0.5 s)")


def test_a_brief_lock_is_absorbed_by_the_production_busy_timeout(api_db):
    engine = get_engine(f"sqlite:///{api_db}")
    client, auth = _client(engine)
    holder = sqlite3.connect(api_db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        started = time.perf_counter()
        response = client.post("/api/v1/decisions", json=DECISION, headers=auth)
        waited = time.perf_counter() - started
    finally:
        release.join()
        holder.close()
        client.__exit__(None, None, None)
        engine.dispose()
    assert response.status_code == 201, response.text
    assert 0.9 <= waited < 10
    assert _decisions(api_db) == 1


# ------------------------------------------------------------------ MLflow unreachable
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_mlflow_at_start_is_a_503_and_one_clear_log_line(api_db, monkeypatch, caplog):
    port = _closed_port()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{port}")
    # MLflow's default of 7 retries with backoff holds the start for minutes (docs/reliability.md).
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    get_settings.cache_clear()
    caplog.set_level(logging.WARNING, logger="service.model_serving")
    started = time.perf_counter()
    with TestClient(create_app(api=SETTINGS)) as client:
        start_seconds = time.perf_counter() - started
        ready = client.get("/api/v1/health/ready")
        assert ready.status_code == 503
        assert ready.headers["Retry-After"] == str(SETTINGS.retry_after_seconds)
        body = ready.json()
        assert body["database"] is True and body["model_version"] is None
        assert "cannot resolve the champion" in body["reason"] and str(port) in body["reason"]
        assert client.get("/api/v1/health/live").status_code == 200
        time.sleep(1.0)  # the poller waits model_poll_seconds: no tight retry loop
        lines = [r.getMessage() for r in caplog.records
                 if "cannot resolve the champion" in r.getMessage()]
        assert len(lines) == 1, lines
        assert client.get("/api/v1/health/ready").status_code == 503
    print(f"started in {start_seconds:.1f} s with MLflow unreachable; log: {lines[0][:120]}")
