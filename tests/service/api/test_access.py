"""Role boundaries: a unit head never reaches another unit's people; roles gate operations."""

import datetime as dt
import io

import pandas as pd
import pytest


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/v1/employees/{budi}"),
    ("GET", "/api/v1/employees/{budi}/recommendations"),
    ("GET", "/api/v1/employees/{budi}/engagement"),
    ("GET", "/api/v1/units/{bkpsdm}/engagement"),
])
def test_unit_head_gets_404_for_another_units_person(client, headers, kit, method, path):
    url = path.format(budi=kit.BUDI, bkpsdm=kit.BKPSDM)
    assert client.request(method, url, headers=headers["head"]).status_code == 404
    assert client.request(method, url, headers=headers["head_bkpsdm"]).status_code == 200


def test_unit_head_exports_and_lists_never_hold_another_unit(client, headers, kit):
    for fmt in ("json", "csv"):
        r = client.get("/api/v1/recommendations", params={"unit": kit.BKPSDM, "format": fmt},
                       headers=headers["head"])
        assert r.status_code == 200 and kit.BUDI not in r.text and "Budi" not in r.text
    r = client.get("/api/v1/recommendations", params={"format": "xlsx"}, headers=headers["head"])
    ids = set(pd.read_excel(io.BytesIO(r.content), dtype=str)["employee_id"])
    assert kit.SITI in ids and kit.BUDI not in ids
    r = client.get("/api/v1/employees", params={"q": kit.BUDI}, headers=headers["head"])
    assert r.json()["total"] == 0


def test_unit_head_cannot_decide_for_another_unit(client, headers, kit):
    r = client.post("/api/v1/decisions", json={"employee_id": kit.BUDI, "program_id": "P001",
                                               "decision": "rejected"}, headers=headers["head"])
    assert r.status_code == 404


def test_unit_head_cannot_update_another_units_enrollment(client, headers, kit):
    r = client.post("/api/v1/decisions", json={"employee_id": kit.BUDI, "program_id": "P004",
                                               "offering_id": None, "decision": "accepted"},
                    headers=headers["head_bkpsdm"])
    assert r.status_code == 201
    profile = client.get(f"/api/v1/employees/{kit.BUDI}", headers=headers["admin"]).json()
    enrollment = profile["training"][0]["enrollment_id"]
    r = client.patch(f"/api/v1/enrollments/{enrollment}", json={"status": "completed"},
                     headers=headers["head"])
    assert r.status_code == 404


@pytest.mark.parametrize("method, path, body, allowed", [
    ("POST", "/api/v1/model/reload", None, ("admin",)),
    ("GET", "/api/v1/audit", None, ("admin",)),
    ("GET", "/api/v1/users", None, ("admin",)),
    ("POST", "/api/v1/programs", {"program_id": "P1", "title": "x"}, ("admin", "analyst")),
    ("PATCH", "/api/v1/programs/P001", {}, ("admin", "analyst")),
    ("POST", "/api/v1/offerings", {"offering_id": "O1", "program_id": "P001"}, ("admin", "analyst")),
    ("PATCH", "/api/v1/offerings/O001", {}, ("admin", "analyst")),
])
def test_role_gates(client, headers, method, path, body, allowed):
    for role in ("admin", "analyst", "head"):
        if role in allowed:
            continue
        r = client.request(method, path, json=body, headers=headers[role])
        assert r.status_code == 403, (role, path)
    r = client.request(method, path, json=body)
    assert r.status_code == 401


def test_audit_log_answers_who_saw_whom(client, headers, kit):
    client.get(f"/api/v1/employees/{kit.RUDI}/recommendations", headers=headers["analyst"])
    rows = client.get("/api/v1/audit", params={"object_key": kit.RUDI}, headers=headers["admin"]).json()
    assert any(r["actor"] == "analyst1" and r["action"] == "recommendations_view" for r in rows)
    # RFC 3339 with a zone, as the schema's date-time promises (SQLite returns naive UTC).
    assert all(dt.datetime.fromisoformat(r["at"]).utcoffset() == dt.timedelta(0) for r in rows)
