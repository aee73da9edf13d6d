"""Retraining and rollback through the API: admin only, in the background, visible, audited.

The retraining itself (gates, drift, crash safety) is tested in tests/service/test_retraining.py;
here it is replaced by a stand-in so the API's own behaviour is checked quickly.
"""

import threading
import time
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from service import retraining
from service.retrain_jobs import JOB


@pytest.fixture
def slow_retrain(monkeypatch):
    """A retraining that waits for the test's signal, then reports ``promoted``."""
    release, calls = threading.Event(), []

    def fake(engine, quarter, force=False, progress=None, actor=None, **kw):
        calls.append((quarter, force, actor))
        progress("training the challenger", 0.3)
        release.wait(10)
        return SimpleNamespace(status="promoted", message=f"challenger for {quarter} promoted")

    monkeypatch.setattr(retraining, "retrain", fake)
    yield release, calls
    release.set()
    deadline = time.time() + 10
    while JOB.running and time.time() < deadline:
        time.sleep(0.05)


def _wait(client, headers, key, value, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        body = client.get("/api/v1/model/retrain", headers=headers).json()
        if body[key] == value:
            return body
        time.sleep(0.05)
    raise AssertionError(f"retrain status never had {key}={value}: {body}")


def test_retrain_runs_in_the_background_and_reports(client, headers, api_world, slow_retrain):
    release, calls = slow_retrain
    admin = headers["admin"]
    r = client.post("/api/v1/model/retrain", json={"quarter": "2026q3"}, headers=admin)
    assert r.status_code == 202, r.text
    assert r.json()["quarter"] == "2026Q3" and r.json()["running"] is True
    running = _wait(client, admin, "step", "training the challenger")
    assert running["actor"] == "admin"
    busy = client.post("/api/v1/model/retrain", json={"quarter": "2026Q3"}, headers=admin)
    assert busy.status_code == 409 and "running" in busy.json()["detail"]
    release.set()
    done = _wait(client, admin, "running", False)
    assert done["status"] == "promoted" and "promoted" in done["message"]
    assert calls == [("2026Q3", False, "admin")]
    with api_world["engine"].connect() as conn:
        actions = conn.execute(sa.text(
            "SELECT action FROM audit_log WHERE action = 'model_retrain'")).fetchall()
    assert actions


def test_only_admins_operate_the_model(client, headers):
    for role in ("analyst", "head"):
        assert client.post("/api/v1/model/retrain", json={"quarter": "2026Q3"},
                           headers=headers[role]).status_code == 403
        assert client.post("/api/v1/model/rollback", headers=headers[role]).status_code == 403
        assert client.get("/api/v1/model/retrain", headers=headers[role]).status_code == 403


def test_bad_quarter_is_a_422(client, headers):
    r = client.post("/api/v1/model/retrain", json={"quarter": "Q3-2026"}, headers=headers["admin"])
    assert r.status_code == 422


def test_rollback_without_a_previous_version_is_a_409(client, headers, monkeypatch):
    def no_previous(actor=None):
        raise ValueError("there is no previous version to roll back to")

    monkeypatch.setattr(retraining, "rollback", no_previous)
    r = client.post("/api/v1/model/rollback", headers=headers["admin"])
    assert r.status_code == 409 and "no previous" in r.json()["detail"]


def test_rollback_serves_the_previous_version(client, headers, monkeypatch):
    monkeypatch.setattr(retraining, "rollback", lambda actor=None: ("3", "4"))
    r = client.post("/api/v1/model/rollback", headers=headers["admin"])
    assert r.status_code == 200
    assert r.json() == {"champion": "3", "rolled_back": "4"}
