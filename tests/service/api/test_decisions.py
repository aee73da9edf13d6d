"""HR decisions on suggestions, nominations, and enrollment outcomes."""

import json

import sqlalchemy as sa

from service.storage.schema import CANONICAL, audit_log

DEC, ENR = CANONICAL["decisions"], CANONICAL["enrollments"]


def test_accepting_with_an_offering_nominates(client, headers, kit, api_world):
    body = {"employee_id": kit.ANDI, "program_id": "P003", "offering_id": "O003",
            "decision": "accepted", "reason": "kebutuhan pelayanan"}
    r = client.post("/api/v1/decisions", json=body, headers=headers["head"])
    d = r.json()
    assert r.status_code == 201 and d["decided_by"] == "head_health" and d["model_version"] == "1"
    with api_world["engine"].connect() as conn:
        row = conn.execute(sa.select(DEC).where(DEC.c.decision_id == d["decision_id"])).mappings().one()
        enr = conn.execute(sa.select(ENR).where(ENR.c.id == d["enrollment_id"])).mappings().one()
        logged = conn.execute(sa.select(audit_log).where(audit_log.c.action == "decision")
                              .order_by(audit_log.c.id.desc())).mappings().first()
    assert row["decision"] == "accepted" and row["decided_by"] == "head_health"
    assert row["model_version"] == "1" and row["decided_at"] is not None
    assert (enr["employee_id"], enr["status"], enr["source"]) == (kit.ANDI, "nominated", "recommended")
    assert logged["object_key"] == kit.ANDI and d["decision_id"] in logged["detail"]
    # The same nomination again on the same day conflicts instead of duplicating.
    assert client.post("/api/v1/decisions", json=body, headers=headers["head"]).status_code == 409
    # The outcome is then recorded on the enrollment.
    r = client.patch(f"/api/v1/enrollments/{d['enrollment_id']}",
                     json={"status": "completed", "jp_earned": 16, "post_test_score": 80},
                     headers=headers["head"])
    assert r.status_code == 200 and r.json()["status"] == "completed" and r.json()["jp_earned"] == 16
    assert client.patch(f"/api/v1/enrollments/{d['enrollment_id']}", json={"status": "done"},
                        headers=headers["head"]).status_code == 422
    assert client.patch(f"/api/v1/enrollments/{d['enrollment_id']}", json={"status": "dropped"},
                        headers=headers["head_bkpsdm"]).status_code == 404


def test_rejection_creates_no_enrollment(client, headers, kit):
    r = client.post("/api/v1/decisions", json={"employee_id": kit.RUDI, "program_id": "P004",
                                               "decision": "rejected", "reason": "sudah ikut"},
                    headers=headers["analyst"])
    assert r.status_code == 201 and r.json()["enrollment_id"] is None


def test_a_rejection_keeps_its_reason_code_and_one_without_is_other(client, headers, kit,
                                                                    api_world):
    base = {"employee_id": kit.RUDI, "program_id": "P004", "decision": "rejected"}
    coded = client.post("/api/v1/decisions", json={**base, "reason_code": "not_relevant",
                                                   "reason": "tugasnya lain"},
                        headers=headers["analyst"])
    plain = client.post("/api/v1/decisions", json=base, headers=headers["analyst"])
    assert coded.status_code == plain.status_code == 201
    assert coded.json()["reason_code"] == "not_relevant" and plain.json()["reason_code"] == "other"
    with api_world["engine"].connect() as conn:
        stored = conn.execute(sa.select(DEC.c.reason_code).where(
            DEC.c.decision_id == coded.json()["decision_id"])).scalar_one()
        logged = conn.execute(sa.select(audit_log.c.detail).where(audit_log.c.action == "decision")
                              .order_by(audit_log.c.id.desc())).scalars().first()
    assert stored == "not_relevant" and '"reason_code": "other"' in logged
    unknown = client.post("/api/v1/decisions", json={**base, "reason_code": "too_far"},
                          headers=headers["analyst"])
    assert unknown.status_code == 422
    accepted = client.post("/api/v1/decisions",
                           json={**base, "decision": "accepted", "reason_code": "budget"},
                           headers=headers["analyst"])
    assert accepted.status_code == 422 and "reason_code is for rejections" in accepted.text


def test_bad_decisions(client, headers, kit):
    base = {"employee_id": kit.BUDI, "program_id": "P001", "decision": "accepted"}
    assert client.post("/api/v1/decisions", json=base, headers=headers["head"]).status_code == 404
    assert client.post("/api/v1/decisions", json={**base, "program_id": "NOPE"},
                       headers=headers["admin"]).status_code == 404
    r = client.post("/api/v1/decisions", json={**base, "offering_id": "O002"}, headers=headers["admin"])
    assert r.status_code == 422 and "not of program" in r.json()["detail"]
    assert client.post("/api/v1/decisions", json={**base, "decision": "maybe"},
                       headers=headers["admin"]).status_code == 422
    assert client.patch("/api/v1/enrollments/999999", json={"status": "completed"},
                        headers=headers["admin"]).status_code == 404
    # Past the database's INTEGER: a 422 with a message, not a driver overflow (found by fuzzing).
    huge = client.patch("/api/v1/enrollments/1194620979295073924546560", json={"status": "dropped"},
                        headers=headers["admin"])
    assert huge.status_code == 422 and "enrollment_id" in huge.json()["detail"]


def test_decision_stats_are_scoped_to_a_unit_head_and_hide_small_groups(make_client, kit,
                                                                         api_world, tmp_path):
    """On a private copy of the database whose decisions are exactly the ones made here."""
    import sqlite3
    import uuid

    from service.storage.engine import get_engine

    with sqlite3.connect(api_world["engine"].url.database) as source, \
            sqlite3.connect(tmp_path / "stats.db") as copy:
        source.backup(copy)
    engine = get_engine(f"sqlite:///{tmp_path / 'stats.db'}")
    with engine.begin() as conn:
        conn.execute(DEC.delete())
    c = make_client(engine=engine)
    admin, head = kit.bearer(c, "admin", "admin"), kit.bearer(c, "head_health", "unit_head")
    empty = c.get("/api/v1/decisions/stats", headers=admin).json()
    assert empty["overall"]["decisions"] == 0 and empty["by_unit"] == empty["reasons"] == []

    def rows(n, employee, program, decision, code=None):
        return [{"decision_id": uuid.uuid4().hex, "employee_id": employee, "program_id": program,
                 "decision": decision, "reason_code": code} for _ in range(n)]

    with engine.begin() as conn:  # P001 digital, P002/P003 manajerial, P004 kepemimpinan
        conn.execute(DEC.insert(), rows(6, kit.SITI, "P002", "accepted")
                     + rows(11, kit.ANDI, "P003", "rejected", "not_relevant")
                     + rows(3, kit.SITI, "P003", "rejected", "budget")
                     + rows(12, kit.BUDI, "P001", "accepted")
                     + rows(3, kit.RUDI, "P004", "rejected", "scheduling"))
    every = c.get("/api/v1/decisions/stats", headers=admin)
    own = c.get("/api/v1/decisions/stats", headers=head)
    engine.dispose()
    assert every.status_code == own.status_code == 200
    every, own = every.json(), own.json()
    assert every["unit"] is None and every["threshold"] == 10
    assert (every["overall"]["decisions"], every["overall"]["accepted"]) == (35, 18)
    assert [(r["group"], r["decisions"], r["accept_rate"]) for r in every["by_unit"]] == [
        (kit.BKPSDM, 15, 0.8), (kit.HEALTH, 20, 0.3)]
    assert [(r["group"], r["decisions"], r["suppressed"]) for r in every["by_category"]] == [
        ("kepemimpinan", None, "fewer"), ("manajerial", 20, None), ("digital", None, "complementary")]
    assert every["rejections"] == 17
    assert [(r["reason_code"], r["count"], r["suppressed"]) for r in every["reasons"]] == [
        ("not_relevant", 11, None), ("scheduling", None, "fewer"), ("budget", None, "fewer")]
    # The head of Dinas Kesehatan: their unit's 20 decisions only.
    assert own["unit"] == kit.HEALTH and [r["group"] for r in own["by_unit"]] == [kit.HEALTH]
    assert (own["overall"]["decisions"], own["overall"]["accept_rate"]) == (20, 0.3)
    assert [r["group"] for r in own["by_category"]] == ["manajerial"]
    # 14 rejections: budget's 3 hidden, and not_relevant with it (else 14 - 11 gives it away).
    assert own["rejections"] == 14
    assert [(r["reason_code"], r["suppressed"]) for r in own["reasons"]] == [
        ("not_relevant", "complementary"), ("budget", "fewer")]
    text = json.dumps([every, own])
    assert not [e for e in (kit.SITI, kit.ANDI, kit.BUDI, kit.RUDI, "Siti", "Budi") if e in text]
