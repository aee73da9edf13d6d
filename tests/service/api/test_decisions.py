"""HR decisions on suggestions, nominations, and enrollment outcomes."""

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
