"""Training records (training outside the catalogue): the list with its filters and unit scope,
HR's review of a match, and their JP in the profile, counted once."""

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from service.storage.schema import CANONICAL, audit_log

TR = CANONICAL["training_records"]
URL = "/api/v1/training-records"


@pytest.fixture(scope="module")
def records(api_world, kit):
    """Four records of the shared sample (removed afterwards). Siti completed P001 in 2025 in
    the catalogue; her SIASN row of it is a repeat."""
    def row(employee_id, title, start, end, kind, provider, jp, certificate, source, program,
            status, score):
        return {"employee_id": employee_id, "title": title, "start_date": start,
                "end_date": end, "kind": kind, "provider": provider, "jp": jp,
                "certificate_number": certificate, "source": source, "program_id": program,
                "match_status": status, "match_score": score}

    rows = [
        row(kit.SITI, "DIKLAT LITERASI DIGITAL DASAR ANGKATAN II", dt.date(2025, 3, 3),
            dt.date(2025, 3, 5), "diklat_teknis", "BPSDM Provinsi Sumatera Utara", 20.0,
            "STTPP/2025/00011", "siasn_diklat", "P001", "auto", 0.93),
        row(kit.SITI, "Webinar Keselamatan Pasien", dt.date(2025, 4, 10), None, "seminar",
            "RSUP H. Adam Malik", 4.0, "CERT-SITI-2", "siasn_kursus", None, "unmatched", 0.31),
        row(kit.ANDI, "Pelatihan Integritas Angkatan I", dt.date(2023, 12, 28),
            dt.date(2024, 1, 3), "diklat_teknis", "LAN RI", 32.0, "CERT-ANDI-1", "siasn_diklat",
            "P002", "auto", 0.9),
        row(kit.BUDI, "Kursus Bahasa Inggris untuk Aparatur", dt.date(2025, 5, 1),
            dt.date(2025, 6, 30), "kursus", "Universitas Sumatera Utara", 24.0, "CERT-BUDI-1",
            "siasn_kursus", None, "unmatched", 0.2),
    ]
    engine = api_world["engine"]
    with engine.begin() as conn:
        conn.execute(TR.insert(), rows)
    yield rows
    with engine.begin() as conn:
        conn.execute(TR.delete().where(TR.c.employee_id.in_([r["employee_id"] for r in rows])))


def key(row: dict) -> dict:
    return {"employee_id": row["employee_id"], "title": row["title"],
            "start_date": row["start_date"].isoformat()}


def listed(client, headers, **params) -> dict:
    r = client.get(URL, params=params, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def last_audit(engine, action: str) -> dict:
    with engine.connect() as conn:
        return conn.execute(sa.select(audit_log).where(audit_log.c.action == action)
                            .order_by(audit_log.c.id.desc())).mappings().first()


def test_the_list_filters_pages_and_hides_certificates_across_people(client, headers, kit, records):
    every = listed(client, headers["analyst"])
    assert every["total"] == 4
    assert {r["title"] for r in every["items"]} == {r["title"] for r in records}
    assert all(r["certificate_number"] is None for r in every["items"])
    siti = listed(client, headers["analyst"], employee_id=kit.SITI)
    logged = last_audit(client.app.state.services.engine, "training_record_list")
    assert (logged["actor"], logged["object_type"], logged["object_key"]) == (
        "analyst1", "employee", kit.SITI)
    assert [r["title"] for r in siti["items"]] == ["Webinar Keselamatan Pasien",
                                                   "DIKLAT LITERASI DIGITAL DASAR ANGKATAN II"]
    assert {r["certificate_number"] for r in siti["items"]} == {"STTPP/2025/00011", "CERT-SITI-2"}
    first = siti["items"][1]
    assert (first["program_title"], first["match_status"], first["match_score"]) == (
        "Literasi Digital Dasar", "auto", 0.93)
    unmatched = listed(client, headers["analyst"], match_status="unmatched")
    assert {r["employee_id"] for r in unmatched["items"]} == {kit.SITI, kit.BUDI}
    in_unit = listed(client, headers["admin"], unit=kit.BKPSDM)["items"]
    assert [r["employee_id"] for r in in_unit] == [kit.BUDI]
    paged = listed(client, headers["analyst"], page_size=3, page=2)
    assert paged["total"] == 4 and len(paged["items"]) == 1
    bad = client.get(URL, params={"match_status": "maybe"}, headers=headers["admin"])
    assert bad.status_code == 422


def test_a_unit_head_sees_only_their_units_records(client, headers, kit, records):
    own = listed(client, headers["head"])
    assert {r["employee_id"] for r in own["items"]} == {kit.SITI, kit.ANDI} and own["total"] == 3
    assert listed(client, headers["head"], unit=kit.BKPSDM)["total"] == 0
    other = listed(client, headers["head"], employee_id=kit.BUDI)
    assert other["total"] == 0 and "CERT-BUDI-1" not in json.dumps(other)
    assert listed(client, headers["head_bkpsdm"], employee_id=kit.BUDI)["items"][0][
        "certificate_number"] == "CERT-BUDI-1"


def test_a_record_repeating_a_completed_enrollment_counts_once(client, headers, kit, records):
    p = client.get(f"/api/v1/employees/{kit.SITI}", params={"year": 2025},
                   headers=headers["head"]).json()
    shown = {r["title"]: r for r in p["training_records"]}
    assert shown["DIKLAT LITERASI DIGITAL DASAR ANGKATAN II"]["counted"] is False
    assert shown["Webinar Keselamatan Pasien"]["counted"] is True
    assert shown["Webinar Keselamatan Pasien"]["certificate_number"] == "CERT-SITI-2"
    assert p["jp_this_year"] == 20 + 4  # the P001 enrollment and the webinar, not P001 twice

    def andi(year):
        return client.get(f"/api/v1/employees/{kit.ANDI}", params={"year": year},
                          headers=headers["admin"]).json()

    # A record counts in the year it ended.
    assert andi(2023)["jp_this_year"] == 0 and andi(2024)["jp_this_year"] == 32
    assert andi(2024)["training_records"][0]["jp_year"] == 2024


def test_confirming_with_another_program_is_saved_and_audited(client, headers, kit, records,
                                                               api_world):
    body = {**key(records[1]), "action": "confirm", "program_id": "P003", "reason": "sama isinya"}
    r = client.post(f"{URL}/review", json=body, headers=headers["analyst"])
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["program_id"], got["program_title"], got["match_status"]) == (
        "P003", "Pelayanan Publik Prima", "confirmed")
    with api_world["engine"].connect() as conn:
        stored = conn.execute(sa.select(TR.c.program_id, TR.c.match_status)
                              .where(TR.c.title == records[1]["title"])).one()
    assert tuple(stored) == ("P003", "confirmed")
    logged = last_audit(api_world["engine"], "training_record_review")
    detail = json.loads(logged["detail"])
    assert logged["actor"] == "analyst1" and logged["object_key"] == kit.SITI
    assert detail["action"] == "confirm" and detail["program_id"] == "P003"
    assert detail["previous_status"] == "unmatched" and detail["reason"] == "sama isinya"


def test_rejecting_keeps_the_program_and_the_hours_then_count(client, headers, records,
                                                              api_world):
    body = {**key(records[0]), "action": "reject"}
    r = client.post(f"{URL}/review", json=body, headers=headers["admin"])
    assert r.status_code == 200, r.text
    assert (r.json()["program_id"], r.json()["match_status"]) == ("P001", "rejected")
    assert r.json()["counted"] is True  # not P001 after all: another training's hours
    with api_world["engine"].connect() as conn:
        stored = conn.execute(sa.select(TR.c.program_id, TR.c.match_status)
                              .where(TR.c.title == records[0]["title"])).one()
    assert tuple(stored) == ("P001", "rejected")
    # Confirmed again without a program: the kept suggestion is confirmed, and counted once.
    again = client.post(f"{URL}/review", json={**body, "action": "confirm"},
                        headers=headers["admin"])
    assert again.status_code == 200 and again.json()["match_status"] == "confirmed"
    assert again.json()["counted"] is False


def test_bad_reviews_are_4xx_with_a_message_and_change_nothing(client, headers, kit, records,
                                                               api_world, fingerprint):
    before = fingerprint(api_world["engine"])["training_records"]
    def post(body, who="analyst"):
        return client.post(f"{URL}/review", json=body, headers=headers[who])

    unknown = post({**key(records[3]), "action": "confirm", "program_id": "NO-SUCH"})
    assert unknown.status_code == 422 and "unknown program 'NO-SUCH'" in unknown.json()["detail"]
    nothing = post({**key(records[3]), "action": "confirm"})
    assert nothing.status_code == 422 and "no suggested program" in nothing.json()["detail"]
    both = post({**key(records[2]), "action": "reject", "program_id": "P001"})
    assert both.status_code == 422 and "only with confirm" in both.json()["detail"]
    missing = post({**key(records[3]), "title": "Kursus yang tidak ada", "action": "reject"})
    assert missing.status_code == 404 and missing.json()["detail"] == "training record not found"
    assert post({**key(records[3]), "start_date": "kemarin", "action": "reject"}).status_code == 422
    assert post({**key(records[3]), "action": "maybe"}).status_code == 422
    refused = post({**key(records[0]), "action": "reject"}, who="head")
    assert refused.status_code == 403
    assert fingerprint(api_world["engine"])["training_records"] == before
