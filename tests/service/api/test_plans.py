"""The plans API on a small trained world: who may create, see, edit, approve and export.

Creating answers 202 and builds in the background: the tests poll the plan until it is done.
"""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

PASSWORD = "correct-horse-battery"
BUILD_WAIT_S = 180.0


def start(client, body: dict, headers: dict) -> str:
    r = client.post("/api/v1/plans", json=body, headers=headers)
    assert r.status_code == 202, r.text
    pid = r.json()["plan_id"]
    assert r.json()["status"] == "building"
    assert r.headers["location"] == f"/api/v1/plans/{pid}"
    return pid


@pytest.fixture
def plan_api(plan_workspace, api_settings):
    import sqlalchemy as sa

    from service.api.app import create_app
    from service.auth.users import create_user
    from service.model_source import RegistrySource
    from service.settings import get_settings
    from service.storage.engine import get_engine
    from service.storage.schema import CANONICAL

    engine = get_engine()
    emp = CANONICAL["employees"]
    with engine.connect() as conn:
        units = [u for u, in conn.execute(sa.select(emp.c.unit).group_by(emp.c.unit)
                                          .order_by(sa.func.count().desc()).limit(2))]
    create_user(engine, "analyst1", PASSWORD, "analyst")
    create_user(engine, "head", PASSWORD, "unit_head", units[0])
    s = get_settings()
    with TestClient(create_app(engine, RegistrySource(s.tracking_uri, s.artifact_root),
                               api_settings)) as client:
        tokens = {}
        for user in ("analyst1", "head"):
            r = client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
            tokens[user] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        yield client, tokens, units[0]


@pytest.mark.slow
def test_roles_on_the_plan_lifecycle(plan_api, kit):
    client, h, head_unit = plan_api
    body = {"budget_idr": 15_000_000, "time_limit_s": 10}
    assert client.post("/api/v1/plans", json=body).status_code == 401
    assert client.post("/api/v1/plans", json=body, headers=h["head"]).status_code == 403
    assert client.post("/api/v1/plans", json={**body, "quarter": "20X1"},
                       headers=h["analyst1"]).status_code == 422
    assert client.post("/api/v1/plans", json={**body, "time_limit_s": 999},
                       headers=h["analyst1"]).status_code == 422
    assert client.post("/api/v1/plans", json={**body, "quarter": "2031Q1"},
                       headers=h["analyst1"]).status_code == 422  # nothing scheduled then
    assert client.post("/api/v1/plans", json={**body, "exclude_employee": ["nobody"]},
                       headers=h["analyst1"]).status_code == 422
    pid = start(client, body, h["analyst1"])
    plan = kit.wait_built(client, pid, h["analyst1"])
    lines = plan["lines"]
    assert plan["status"] == "draft" and plan["message"] is None and plan["progress"] is None
    assert lines and plan["cost_idr"] <= 15_000_000 and plan["summary"]["status"] == "optimal"
    units = {x["unit"] for x in lines}
    assert len(units) > 1
    seen = client.get(f"/api/v1/plans/{pid}", headers=h["head"]).json()
    assert {x["unit"] for x in seen["lines"]} <= {head_unit} and seen["summary"] is None
    assert len(seen["lines"]) == sum(x["unit"] == head_unit for x in lines)
    csv = client.get(f"/api/v1/plans/{pid}/export", headers=h["head"]).text.splitlines()
    assert len(csv) == 1 + len(seen["lines"])
    line = lines[0]["line_id"]
    assert client.patch(f"/api/v1/plans/{pid}/lines/{line}", json={"action": "remove"},
                        headers=h["head"]).status_code == 403
    assert client.post(f"/api/v1/plans/{pid}/approve", headers=h["head"]).status_code == 403
    r = client.patch(f"/api/v1/plans/{pid}/lines/{line}", json={"action": "remove"},
                     headers=h["analyst1"])
    assert r.status_code == 200 and r.json()["state"] == "removed"
    assert client.patch(f"/api/v1/plans/{pid}/lines/{line}", json={"action": "drop"},
                        headers=h["analyst1"]).status_code == 422
    r = client.post(f"/api/v1/plans/{pid}/solve", headers=h["analyst1"])
    assert r.status_code == 200
    live = [x for x in r.json()["lines"] if x["state"] != "removed"]
    assert (lines[0]["employee_id"], lines[0]["offering_id"]) not in {
        (x["employee_id"], x["offering_id"]) for x in live}
    r = client.post(f"/api/v1/plans/{pid}/approve", headers=h["analyst1"])
    assert r.status_code == 200 and r.json()["nominations"] == len(live)
    assert client.post(f"/api/v1/plans/{pid}/approve", headers=h["analyst1"]).status_code == 409
    assert client.get("/api/v1/plans/ffff", headers=h["analyst1"]).status_code == 404
    xlsx = client.get(f"/api/v1/plans/{pid}/export?format=xlsx", headers=h["analyst1"])
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.slow
def test_a_build_that_fails_shows_failed_with_the_reason(plan_api, kit):
    client, h, _head_unit = plan_api
    pid = start(client, {"budget_idr": 15_000_000, "time_limit_s": 10,
                         "min_unit_share": {"Dinas Tidak Ada": 0.2}}, h["analyst1"])
    plan = kit.wait_built(client, pid, h["analyst1"])
    assert plan["status"] == "failed" and plan["lines"] == [] and plan["summary"] is None
    assert "min_unit_share names unit(s) with no candidates" in plan["message"]
    listed = {p["plan_id"]: p["status"] for p in client.get("/api/v1/plans",
                                                            headers=h["analyst1"]).json()}
    assert listed[pid] == "failed"
    r = client.post(f"/api/v1/plans/{pid}/approve", headers=h["analyst1"])
    assert r.status_code == 409 and "failed" in r.text
    assert client.get(f"/api/v1/plans/{pid}/export", headers=h["analyst1"]).status_code == 409


@pytest.mark.slow
def test_a_plan_still_building_refuses_changes_then_becomes_a_draft(plan_api, monkeypatch, kit):
    from service.api.routes import plans as plan_routes

    client, h, head_unit = plan_api
    release, real = threading.Event(), plan_routes.create_plan

    def held_create_plan(*args, progress=None, **kwargs):
        progress("held by the test", 0.1)
        assert release.wait(BUILD_WAIT_S)
        return real(*args, progress=progress, **kwargs)

    monkeypatch.setattr(plan_routes, "create_plan", held_create_plan)
    try:
        pid = start(client, {"budget_idr": 15_000_000, "time_limit_s": 10}, h["analyst1"])
        deadline = time.monotonic() + 30
        while (seen := client.get(f"/api/v1/plans/{pid}", headers=h["analyst1"]).json()
               )["progress"] is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert seen["status"] == "building" and seen["lines"] == []
        assert seen["progress"] == {"step": "held by the test", "fraction": 0.1}
        for call in (client.post(f"/api/v1/plans/{pid}/approve", headers=h["analyst1"]),
                     client.post(f"/api/v1/plans/{pid}/solve", headers=h["analyst1"]),
                     client.patch(f"/api/v1/plans/{pid}/lines/1", json={"action": "remove"},
                                  headers=h["analyst1"]),
                     client.get(f"/api/v1/plans/{pid}/export", headers=h["analyst1"])):
            assert call.status_code == 409, call.text
            assert "still building" in call.json()["detail"]
    finally:
        release.set()
    plan = kit.wait_built(client, pid, h["analyst1"])
    assert plan["status"] == "draft" and plan["lines"]
    mine = client.get(f"/api/v1/plans/{pid}", headers=h["head"]).json()
    assert mine["status"] == "draft" and mine["summary"] is None
    assert {x["unit"] for x in mine["lines"]} <= {head_unit}
    assert len(mine["lines"]) == sum(x["unit"] == head_unit for x in plan["lines"])
