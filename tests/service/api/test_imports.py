"""Uploads through the validated importer."""

import sqlalchemy as sa

from service.storage.schema import CANONICAL

NEW_NIP = "199512122020122006"
NEW_EMPLOYEE = f"""employee_id,name,sex,birth_date,employment_type,grade,job_kind,position,unit,education,appointment_date,digital_access,active
{NEW_NIP},Nur Aisyah,F,1995-12-12,PNS,III/a,ahli_pertama,Bidan,Dinas Kesehatan,D4,2020-12-01,good,true
"""
BAD_EMPLOYEE = NEW_EMPLOYEE.replace("1995-12-12,PNS", "1995-12-12,PNX")


def _count(engine, nip):
    emp = CANONICAL["employees"]
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(emp)
                            .where(emp.c.employee_id == nip)).scalar_one()


def test_dry_run_validates_and_writes_nothing(client, headers, api_world):
    r = client.post("/api/v1/imports", data={"dry_run": "true"},
                    files=[("files", ("Employees.CSV", NEW_EMPLOYEE.encode(), "text/csv"))],
                    headers=headers["analyst"])
    body = r.json()
    assert r.status_code == 200 and body["ok"] and body["dry_run"] and not body["written"]
    assert body["files"][0]["file"] == "Employees.csv" and body["files"][0]["inserted"] == 1
    assert _count(api_world["engine"], NEW_NIP) == 0


def test_problems_are_reported_by_row_and_column(client, headers, api_world):
    r = client.post("/api/v1/imports", files=[("files", ("employees.csv", BAD_EMPLOYEE.encode()))],
                    headers=headers["analyst"])
    body = r.json()
    assert r.status_code == 200 and not body["ok"] and not body["written"]
    problem = body["problems"][0]
    assert problem["file"] == "employees.csv" and problem["row"] == 2
    assert "employment_type" in problem["column"] and problem["value"] == "PNX"
    assert "/tmp" not in r.text and _count(api_world["engine"], NEW_NIP) == 0


def test_import_writes_and_the_model_sees_the_new_employee(client, headers, api_world):
    server = client.app.state.services.server
    builds = server.state.ctx.builds
    r = client.post("/api/v1/imports", files=[("files", ("../../etc/employees.csv", NEW_EMPLOYEE.encode()))],
                    headers=headers["admin"])
    assert r.status_code == 200 and r.json()["written"] and r.json()["files"][0]["file"] == "employees.csv"
    assert _count(api_world["engine"], NEW_NIP) == 1
    assert server.wait_idle(10) and server.state.ctx.builds > builds
    rec = client.get(f"/api/v1/employees/{NEW_NIP}/recommendations", headers=headers["head"]).json()
    assert rec["items"] and rec["note"] is None


def test_bad_uploads_are_4xx(client, headers):
    h = headers["analyst"]
    r = client.post("/api/v1/imports", files=[("files", ("employees.txt", b"x"))], headers=h)
    assert r.status_code == 422 and "only .csv and .xlsx" in r.json()["detail"]
    r = client.post("/api/v1/imports", files=[("files", ("..csv", b"x"))], headers=h)
    assert r.status_code == 422
    r = client.post("/api/v1/imports", files=[("files", ("notes.csv", b"a,b\n1,2\n"))], headers=h)
    assert r.status_code == 200 and "does not name a table" in r.json()["problems"][0]["rule"]
    assert client.post("/api/v1/imports", headers=h).status_code == 422
    r = client.post("/api/v1/imports", files=[("files", ("employees.csv", NEW_EMPLOYEE.encode()))],
                    headers=headers["head"])
    assert r.status_code == 403


def test_file_over_the_limit_is_413(make_client, kit, monkeypatch):
    monkeypatch.setenv("ASN_IMPORT_MAX_BYTES", "2000")
    c = make_client()
    h = kit.login(c, "analyst1")
    big = NEW_EMPLOYEE.encode() + b"\n" * 3000
    r = c.post("/api/v1/imports", files=[("files", ("employees.csv", big))], headers=h)
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    huge = b"x" * (2000 + 300 * 1024)
    r = c.post("/api/v1/imports", files=[("files", ("employees.csv", huge))], headers=h)
    assert r.status_code == 413


def test_lms_statements_upload_with_the_lms_profile(client, headers, api_world):
    import json

    import pandas as pd

    emp = CANONICAL["employees"]
    off = CANONICAL["offerings"]
    enr = CANONICAL["enrollments"]
    with api_world["engine"].connect() as conn:
        offering = conn.execute(sa.select(off.c.offering_id)).scalars().first()
        enrolled = sa.select(enr.c.employee_id).where(enr.c.offering_id == offering)
        nip = conn.execute(sa.select(emp.c.employee_id).where(
            emp.c.active, emp.c.employee_id.not_in(enrolled))).scalars().first()
    sid = "api-lms-1"
    line = json.dumps({"id": sid, "actor": {"account": {"name": nip}},
                       "verb": {"id": "http://adlnet.gov/expapi/verbs/registered"},
                       "object": {"id": f"https://lms/course/{offering}"},
                       "timestamp": "2026-01-05T02:00:00Z"})
    h = headers["analyst"]
    canonical = client.post("/api/v1/imports", files=[("files", ("lrs.jsonl", line.encode()))],
                            headers=h)
    assert canonical.status_code == 422  # JSON only through the LMS profile
    r = client.post("/api/v1/imports", data={"profile": "lms"},
                    files=[("files", ("lrs.jsonl", line.encode()))], headers=h)
    body = r.json()
    assert r.status_code == 200 and body["ok"] and body["written"] and body["profile"] == "lms"
    with api_world["engine"].connect() as conn:
        got = pd.DataFrame(conn.execute(sa.select(enr).where(
            enr.c.employee_id == nip, enr.c.offering_id == offering)).mappings().all())
    assert len(got) == 1 and got.iloc[0]["status"] == "registered"
    assert got.iloc[0]["source"] == "lms"
    r = client.post("/api/v1/imports", data={"profile": "sap"},
                    files=[("files", ("lrs.jsonl", line.encode()))], headers=h)
    assert r.status_code == 422
