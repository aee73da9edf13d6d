"""Employee search, list and profile, with the unit scope of unit heads."""

import pytest
import sqlalchemy as sa

from service.storage.schema import audit_log


def test_list_is_paged_and_sorted(client, headers):
    r = client.get("/api/v1/employees", params={"page_size": 2}, headers=headers["analyst"])
    body = r.json()
    assert r.status_code == 200 and body["total"] >= 5 and len(body["items"]) == 2
    second = client.get("/api/v1/employees", params={"page_size": 2, "page": 2},
                        headers=headers["analyst"]).json()
    ids = {e["employee_id"] for e in body["items"]} & {e["employee_id"] for e in second["items"]}
    assert not ids


@pytest.mark.parametrize("params", [{"page_size": 201}, {"page_size": 0}, {"page": 0}])
def test_page_limits_are_422(client, headers, params):
    r = client.get("/api/v1/employees", params=params, headers=headers["admin"])
    assert r.status_code == 422 and r.json()["detail"].startswith("invalid request")


def test_filters_and_substring_search(client, headers, kit):
    get = lambda **p: client.get("/api/v1/employees", params=p, headers=headers["admin"]).json()  # noqa: E731
    assert {e["unit"] for e in get(unit=kit.BKPSDM)["items"]} == {kit.BKPSDM}
    assert [e["employee_id"] for e in get(q="aminah")["items"]] == [kit.SITI]
    assert [e["employee_id"] for e in get(q="2012031")["items"]] == [kit.ANDI]
    assert [e["employee_id"] for e in get(job_kind="administrator")["items"]] == [kit.RUDI]
    assert [e["employee_id"] for e in get(grade="II/a")["items"]] == [kit.BUDI]
    assert get(q="%")["total"] == 0  # wildcards are literal


def test_unit_head_lists_only_their_unit(client, headers, kit):
    body = client.get("/api/v1/employees", headers=headers["head"]).json()
    assert body["total"] >= 3 and {e["unit"] for e in body["items"]} == {kit.HEALTH}
    other = client.get("/api/v1/employees", params={"unit": kit.BKPSDM}, headers=headers["head"])
    assert other.status_code == 200 and other.json()["total"] == 0
    assert client.get("/api/v1/employees", params={"q": "Budi"}, headers=headers["head"]).json()["total"] == 0


def test_profile_has_gaps_reviews_training_and_jp(client, headers, kit, api_world):
    r = client.get(f"/api/v1/employees/{kit.SITI}", params={"year": 2025}, headers=headers["head"])
    p = r.json()
    assert r.status_code == 200 and p["name"] == "Siti Aminah"
    gaps = {g["code"]: g for g in p["competency_gaps"]}
    assert gaps["MK01"]["assessed_level"] == 2 and gaps["MK01"]["gap"] == 1  # the latest, not 2023
    assert gaps["DL01"]["gap"] == 0 and p["competency_gaps"][0]["code"] == "MK01"
    assert [x["period"] for x in p["performance"]] == ["2024", "2023"]
    done = [t for t in p["training"] if t["program_id"] == "P001"]
    assert done and done[0]["title"] == "Literasi Digital Dasar" and done[0]["status"] == "completed"
    assert p["jp_year"] == 2025 and p["jp_this_year"] >= 20
    assert client.get(f"/api/v1/employees/{kit.SITI}", params={"year": 2019},
                      headers=headers["head"]).json()["jp_this_year"] == 0
    with api_world["engine"].connect() as conn:
        row = conn.execute(sa.select(audit_log).where(audit_log.c.action == "employee_view",
                                                      audit_log.c.object_key == kit.SITI)
                           .order_by(audit_log.c.id.desc())).mappings().first()
    assert row["actor"] == "head_health"


def test_profile_of_unknown_or_other_unit_is_404(client, headers, kit):
    assert client.get("/api/v1/employees/000", headers=headers["admin"]).status_code == 404
    r = client.get(f"/api/v1/employees/{kit.BUDI}", headers=headers["head"])
    assert r.status_code == 404 and r.json()["detail"] == "employee not found"
    assert client.get(f"/api/v1/employees/{kit.BUDI}", headers=headers["head_bkpsdm"]).status_code == 200
