"""Liveness and readiness."""



def test_live(client):
    r = client.get("/api/v1/health/live")
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "no-referrer"


def test_ready_with_a_model(client):
    r = client.get("/api/v1/health/ready")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": True, "model_version": "1", "reason": None}


class NoChampion:
    def champion(self) -> str:
        raise LookupError("registered model alias champion not found")

    def load(self, version: str):
        raise AssertionError("never called")


def test_not_ready_without_a_model_says_why(make_client):
    c = make_client(NoChampion())
    r = c.get("/api/v1/health/ready")
    assert r.status_code == 503
    assert r.headers["retry-after"]
    body = r.json()
    assert body["database"] is True and body["model_version"] is None
    assert "champion" in body["reason"]
    assert c.get("/api/v1/health/live").status_code == 200


def test_not_ready_when_the_database_does_not_answer(make_client, kit, api_world):
    c = make_client()
    engine = c.app.state.services.engine
    broken = __import__("sqlalchemy").create_engine("sqlite:////nonexistent-dir/x.db")
    c.app.state.services.engine = broken
    try:
        r = c.get("/api/v1/health/ready")
    finally:
        c.app.state.services.engine = engine
    assert r.status_code == 503
    assert r.json()["database"] is False and "database unavailable" in r.json()["reason"]
