"""The plans API on a small trained world: who may create, see, edit, approve and export."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

PASSWORD = "correct-horse-battery"


@pytest.fixture
def plan_api(plan_workspace, api_settings):
    import sqlalchemy as sa

    from service.api.app import create_app
    from service.auth.users import create_user
    from service.model_serving import RegistrySource
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
def test_roles_on_the_plan_lifecycle(plan_api):
    client, h, head_unit = plan_api
    body = {"budget_idr": 15_000_000, "time_limit_s": 10}
    assert client.post("/api/v1/plans", json=body).status_code == 401
    assert client.post("/api/v1/plans", json=body, headers=h["head"]).status_code == 403
    assert client.post("/api/v1/plans", json={**body, "quarter": "20X1"},
                       headers=h["analyst1"]).status_code == 422
    assert client.post("/api/v1/plans", json={**body, "time_limit_s": 999},
                       headers=h["analyst1"]).status_code == 422
    r = client.post("/api/v1/plans", json=body, headers=h["analyst1"])
    assert r.status_code == 201, r.text
    plan = r.json()
    pid, lines = plan["plan_id"], plan["lines"]
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
