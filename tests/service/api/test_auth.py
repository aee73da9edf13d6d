"""Login, tokens (expiry, tampering), the login rate limit and user management."""

import datetime as dt

import pytest

from service.auth import tokens
from service.auth.users import ensure_first_admin


def test_first_admin_is_created_once(api_world):
    assert api_world["admin_password"] and len(api_world["admin_password"]) >= 16
    assert ensure_first_admin(api_world["engine"]) is None


def test_login_and_me(client, kit, headers):
    r = client.get("/api/v1/auth/me", headers=headers["head"])
    assert r.json() == {"username": "head_health", "role": "unit_head", "unit": kit.HEALTH,
                        "active": True}
    r = client.post("/api/v1/auth/login", json={"username": "analyst1", "password": kit.PASSWORD})
    body = r.json()
    assert body["token_type"] == "bearer"
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(minutes=59) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=60)


@pytest.mark.parametrize("username, password", [("analyst1", "wrong-password-123"),
                                                ("nobody", "whatever-password")])
def test_wrong_credentials_are_refused_alike(make_client, username, password):
    c = make_client()
    r = c.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 401 and r.json()["detail"] == "wrong username or password"


def test_login_is_rate_limited_per_client_and_username(make_client, kit):
    c = make_client()  # its own limiter: 3 failures per window in the test settings
    for _ in range(3):
        assert c.post("/api/v1/auth/login",
                      json={"username": "analyst1", "password": "bad-password-x"}).status_code == 401
    r = c.post("/api/v1/auth/login", json={"username": "analyst1", "password": kit.PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # Another username from the same client is not locked out by those failures.
    r = c.post("/api/v1/auth/login", json={"username": "head_health", "password": kit.PASSWORD})
    assert r.status_code == 200


def test_missing_expired_and_tampered_tokens_are_refused(client, headers):
    assert client.get("/api/v1/auth/me").status_code == 401
    secret = client.app.state.services.jwt_secret
    old, _ = tokens.issue(secret, "admin", "admin", minutes=5,
                          now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {old}"})
    assert r.status_code == 401 and "expired" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"
    forged, _ = tokens.issue("not-the-secret", "admin", "admin", minutes=5)
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and "invalid token" in r.json()["detail"]
    r = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer abc.def"})
    assert r.status_code == 401


def test_token_of_a_deleted_user_is_refused(client):
    secret = client.app.state.services.jwt_secret
    ghost, _ = tokens.issue(secret, "ghost", "admin", minutes=5)
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {ghost}"})
    assert r.status_code == 401


def test_admin_creates_users_others_may_not(client, headers, kit):
    new = {"username": "head_new", "password": "a-long-password", "role": "unit_head",
           "unit": kit.BKPSDM}
    for role in ("analyst", "head"):
        assert client.post("/api/v1/users", json=new, headers=headers[role]).status_code == 403
    r = client.post("/api/v1/users", json=new, headers=headers["admin"])
    assert r.status_code == 201 and r.json()["unit"] == kit.BKPSDM
    assert client.post("/api/v1/users", json=new, headers=headers["admin"]).status_code == 409
    kit.login(client, "head_new", "a-long-password")
    names = [u["username"] for u in client.get("/api/v1/users", headers=headers["admin"]).json()]
    assert "head_new" in names and "password_hash" not in str(names)


@pytest.mark.parametrize("body, message", [
    ({"username": "u_x1", "password": "a-long-password", "role": "unit_head"}, "needs a unit"),
    ({"username": "u_x2", "password": "a-long-password", "role": "unit_head", "unit": "Nowhere"},
     "unknown unit"),
    ({"username": "u_x3", "password": "short", "role": "analyst"}, "password"),
    ({"username": "u_x4", "password": "a-long-password", "role": "root"}, "role"),
    ({"username": "a b", "password": "a-long-password", "role": "analyst"}, "username"),
])
def test_bad_user_requests_are_422_with_a_reason(client, headers, body, message):
    r = client.post("/api/v1/users", json=body, headers=headers["admin"])
    assert r.status_code == 422 and message in r.json()["detail"]
    assert "a-long-password" not in r.text  # the password is never echoed
