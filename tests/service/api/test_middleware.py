"""Body limits, timeouts, a busy database, CORS, and no personal data in the logs."""

import logging
import sqlite3

import sqlalchemy as sa


def test_body_over_the_limit_is_413(client, headers):
    big = {"username": "x" * (70 * 1024), "password": "y"}
    r = client.post("/api/v1/auth/login", json=big)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"


def test_streamed_body_over_the_limit_is_413(client, headers):
    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    r = client.post("/api/v1/programs", content=chunks(),
                    headers={**headers["admin"], "content-type": "application/json"})
    assert r.status_code == 413


def test_slow_requests_time_out_with_503(make_client, kit):
    c = make_client(kit.FakeSource(delay=1.0), request_timeout_seconds=0.2, precompute_k=0)
    h = kit.bearer(c, "head_health", "unit_head")
    r = c.get(f"/api/v1/employees/{kit.SITI}/recommendations", headers=h)
    assert r.status_code == 503 and "longer than 0.2 s" in r.json()["detail"]
    assert r.headers["retry-after"]


def test_a_locked_database_is_503_with_retry_after(make_client, kit, api_world):
    path = api_world["engine"].url.database
    impatient = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})
    c = make_client(engine=impatient)
    h = kit.login(c, "head_health")
    blocker = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        r = c.get(f"/api/v1/employees/{kit.SITI}", headers=h)  # reads, then writes the audit row
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        impatient.dispose()
    assert r.status_code == 503 and r.headers["retry-after"]
    assert "busy" in r.json()["detail"]


def test_cors_allows_only_listed_origins(make_client):
    c = make_client(cors_origins="https://simpeg.binjaikota.go.id")
    pre = {"Access-Control-Request-Method": "GET"}
    ok = c.options("/api/v1/employees", headers={**pre, "Origin": "https://simpeg.binjaikota.go.id"})
    assert ok.headers["access-control-allow-origin"] == "https://simpeg.binjaikota.go.id"
    bad = c.options("/api/v1/employees", headers={**pre, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in bad.headers


def test_unknown_routes_and_methods_are_4xx(client, headers):
    assert client.get("/api/v1/nothing", headers=headers["admin"]).status_code == 404
    assert client.delete("/api/v1/programs", headers=headers["admin"]).status_code == 405
    r = client.post("/api/v1/decisions", content=b"{not json", headers={
        **headers["admin"], "content-type": "application/json"})
    assert r.status_code == 422


def test_logs_name_routes_not_people(client, headers, kit, caplog):
    with caplog.at_level(logging.DEBUG):
        client.get(f"/api/v1/employees/{kit.SITI}", headers=headers["admin"])
        client.get("/api/v1/employees", params={"q": "Siti Aminah"}, headers=headers["admin"])
        client.get(f"/api/v1/employees/{kit.SITI}/recommendations", headers=headers["admin"])
    # The test client's own HTTP log (httpx) is not the application's.
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "/employees/{employee_id}/recommendations 200" in text
    assert kit.SITI not in text and "Siti" not in text and "Aminah" not in text
