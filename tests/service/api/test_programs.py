"""The catalogue: programs and offerings."""

import pytest


def test_list_programs_and_offerings(client, headers):
    r = client.get("/api/v1/programs", params={"page_size": 2}, headers=headers["head"])
    body = r.json()
    assert r.status_code == 200 and body["total"] >= 4 and len(body["items"]) == 2
    p2 = client.get("/api/v1/programs", params={"form": "klasikal"}, headers=headers["head"]).json()
    assert p2["items"] and {p["form"] for p in p2["items"]} == {"klasikal"}
    p002 = next(p for p in client.get("/api/v1/programs", headers=headers["head"]).json()["items"]
                if p["program_id"] == "P002")
    assert p002["eligible_job_kinds"] == ["pelaksana", "ahli_pertama"]
    offers = client.get("/api/v1/offerings", params={"program_id": "P001"}, headers=headers["head"]).json()
    assert [o["offering_id"] for o in offers["items"]] == ["O001"]


def test_create_and_update_a_program(client, headers):
    new = {"program_id": "P900", "title": "Manajemen Waktu", "category": "manajerial",
           "competencies": "MK01:2", "form": "non_klasikal", "delivery": "e_learning", "jp": 10,
           "cost_idr": 0, "eligible_employment_types": ["PNS", "PPPK"]}
    assert client.post("/api/v1/programs", json=new, headers=headers["head"]).status_code == 403
    r = client.post("/api/v1/programs", json=new, headers=headers["analyst"])
    assert r.status_code == 201 and r.json()["eligible_employment_types"] == ["PNS", "PPPK"]
    assert client.post("/api/v1/programs", json=new, headers=headers["analyst"]).status_code == 409
    r = client.patch("/api/v1/programs/P900", json={"jp": 12, "title": "Manajemen Waktu Efektif"},
                     headers=headers["admin"])
    assert r.status_code == 200 and r.json()["jp"] == 12 and r.json()["delivery"] == "e_learning"
    assert client.patch("/api/v1/programs/P900", json={"jp": 1}, headers=headers["head"]).status_code == 403
    assert client.patch("/api/v1/programs/NOPE", json={"jp": 1}, headers=headers["admin"]).status_code == 404


@pytest.mark.parametrize("change, field", [
    ({"competencies": "MK01:9"}, "level must be 1-5"),
    ({"form": "klasikal", "delivery": "e_learning"}, "delivery e_learning is non_klasikal"),
    ({"eligible_job_kinds": ["boss"]}, "unknown job kinds"),
    ({"min_grade": "V/z"}, "unknown grade"),
    ({"jp": -1}, "jp"),
    ({"program_id": "../x"}, "program_id"),
])
def test_bad_programs_are_422(client, headers, change, field):
    body = {"program_id": "P901", "title": "X", **change}
    r = client.post("/api/v1/programs", json=body, headers=headers["admin"])
    assert r.status_code == 422 and field in r.json()["detail"]


def test_offerings(client, headers):
    body = {"offering_id": "O900", "program_id": "P001", "start_date": "2025-08-01",
            "end_date": "2025-08-02", "seats": 20, "location": "Aula"}
    assert client.post("/api/v1/offerings", json={**body, "program_id": "NOPE"},
                       headers=headers["admin"]).status_code == 422
    assert client.post("/api/v1/offerings", json=body, headers=headers["head"]).status_code == 403
    assert client.post("/api/v1/offerings", json=body, headers=headers["analyst"]).status_code == 201
    assert client.post("/api/v1/offerings", json=body, headers=headers["analyst"]).status_code == 409
    r = client.patch("/api/v1/offerings/O900", json={"seats": 25}, headers=headers["analyst"])
    assert r.status_code == 200 and r.json()["seats"] == 25 and r.json()["location"] == "Aula"
    r = client.patch("/api/v1/offerings/O900", json={"end_date": "2025-07-01"}, headers=headers["analyst"])
    assert r.status_code == 422 and "end_date is before start_date" in r.json()["detail"]
    assert client.patch("/api/v1/offerings/NONE", json={"seats": 1}, headers=headers["admin"]).status_code == 404
