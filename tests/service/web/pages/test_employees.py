"""Employee search, profile, suggestions and decisions over HTTP (the browser tests add the UI)."""

import httpx
import pytest
import sqlalchemy as sa

from service.storage.schema import CANONICAL, impressions

pytestmark = pytest.mark.slow
DEC = CANONICAL["decisions"]


def decisions_of(engine, employee_id):
    with engine.connect() as conn:
        return conn.execute(sa.select(DEC).where(DEC.c.employee_id == employee_id)).mappings().all()


def test_search_finds_by_name_and_a_unit_head_sees_only_their_unit(sessions, web_world, web_kit):
    name = web_world["name_b"]
    found = sessions["analyst"].get("/ui/employees", params={"q": name})
    assert found.status_code == 200 and f'/ui/employees/{web_world["person_b"]}' in found.text
    scoped = sessions["head_a"].get("/ui/employees", params={"q": name})
    assert scoped.status_code == 200 and web_world["person_b"] not in scoped.text
    everyone = sessions["head_a"].get("/ui/employees").text
    assert web_world["unit_b"] not in web_kit.text_of(everyone.split("<main", 1)[1])


def test_profile_shows_gaps_history_and_ranked_suggestions_with_reasons(sessions, web_world):
    page = sessions["analyst"].get(f"/ui/employees/{web_world['person_a']}").text
    assert page.count('class="suggestion"') >= 3
    assert '<ul class="reasons"><li>' in page and "Kesenjangan kompetensi" in page
    assert 'role="img"' in page and "Riwayat pelatihan" in page


def test_the_profile_logs_the_suggestions_it_shows_as_page_impressions(sessions, web_world,
                                                                       live_server):
    exposure = live_server["app"].state.services.exposure
    exposure.flush()
    with web_world["engine"].connect() as conn:
        seen = conn.execute(sa.select(sa.func.max(impressions.c.id))).scalar() or 0
    page = sessions["analyst"].get(f"/ui/employees/{web_world['person_a']}").text
    exposure.flush()
    with web_world["engine"].connect() as conn:
        rows = conn.execute(sa.select(impressions).where(impressions.c.id > seen)
                            .order_by(impressions.c.id)).mappings().all()
    assert rows and {(r["surface"], r["client"]) for r in rows} == {("page", "web_analyst")}
    assert len(rows) == page.count('class="suggestion"')
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_a_unit_head_gets_404_for_another_units_employee(sessions, web_world):
    answer = sessions["head_a"].get(f"/ui/employees/{web_world['person_b']}")
    assert answer.status_code == 404 and "text/html" in answer.headers["content-type"]
    assert web_world["name_b"] not in answer.text
    refused = sessions["head_a"].post(
        f"/ui/employees/{web_world['person_b']}/decisions",
        data={"program_id": "x", "decision": "rejected",
              "csrf_token": sessions["head_a"].cookies["asn_csrf"]})
    assert refused.status_code == 404
    assert not [d for d in decisions_of(web_world["engine"], web_world["person_b"])
                if d["decided_by"] == "head_a"]


def test_decisions_need_the_csrf_token(sessions, web_world):
    before = len(decisions_of(web_world["engine"], web_world["person_a"]))
    answer = sessions["analyst"].post(f"/ui/employees/{web_world['person_a']}/decisions",
                                      data={"program_id": "P1", "decision": "rejected"})
    assert answer.status_code == 403
    assert len(decisions_of(web_world["engine"], web_world["person_a"])) == before


def test_reject_is_recorded_and_an_unknown_program_is_a_clear_notice(sessions, web_world):
    client = sessions["analyst"]
    page = client.get(f"/ui/employees/{web_world['person_a']}").text
    program = page.split('data-program="', 1)[1].split('"', 1)[0]
    token = client.cookies["asn_csrf"]
    url = f"/ui/employees/{web_world['person_a']}/decisions"
    answer = client.post(url, data={"program_id": program, "decision": "rejected",
                                    "reason": "sudah ikut tahun lalu", "csrf_token": token})
    assert answer.status_code == 303 and "notice=decision.rejected" in answer.headers["location"]
    rows = [d for d in decisions_of(web_world["engine"], web_world["person_a"])
            if d["program_id"] == program and d["decision"] == "rejected"]
    assert rows and rows[-1]["reason"] == "sudah ikut tahun lalu"
    assert rows[-1]["reason_code"] == "other"
    assert "Ditolak oleh web_analyst" in client.get(answer.headers["location"]).text
    # The reason list is on the form; the chosen reason is stored and shown beside the decision.
    assert 'name="reason_code"' in page and "Tidak relevan dengan jabatan" in page
    coded = client.post(url, data={"program_id": program, "decision": "rejected",
                                   "reason_code": "not_relevant", "csrf_token": token})
    assert coded.status_code == 303
    latest = [d for d in decisions_of(web_world["engine"], web_world["person_a"])
              if d["program_id"] == program][-1]
    assert latest["reason_code"] == "not_relevant"
    assert "Ditolak oleh web_analyst" in (shown := client.get(coded.headers["location"]).text)
    assert "· Tidak relevan dengan jabatan" in shown
    # A reason chosen before pressing Accept is not a reason for accepting (on another person:
    # the browser test counts person_a's acceptances).
    other = web_world["person_b"]
    page_b = client.get(f"/ui/employees/{other}").text
    program_b = page_b.split('data-program="', 1)[1].split('"', 1)[0]
    kept = client.post(f"/ui/employees/{other}/decisions",
                       data={"program_id": program_b, "decision": "accepted",
                             "reason_code": "budget", "csrf_token": token})
    assert "notice=decision.accepted" in kept.headers["location"]
    assert [d for d in decisions_of(web_world["engine"], other)
            if d["program_id"] == program_b][-1]["reason_code"] is None
    unknown = client.post(url, data={"program_id": "NO-SUCH", "decision": "accepted",
                                     "csrf_token": token})
    assert "notice=decision.not_found" in unknown.headers["location"]
    bad = client.post(url, data={"program_id": program, "decision": "maybe", "csrf_token": token})
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]


def test_bad_parameters_are_4xx_pages_and_the_api_keeps_json(sessions, live_server):
    assert sessions["analyst"].get("/ui/employees", params={"page": 0}).status_code == 422
    assert sessions["analyst"].get("/ui/employees", params={"q": "x" * 500}).status_code == 422
    assert sessions["analyst"].get("/ui/employees/" + "9" * 80).status_code == 422
    api = httpx.get(f"{live_server['base']}/api/v1/employees/123")
    assert api.status_code == 401 and api.json()["detail"].startswith("not authenticated")


TR = CANONICAL["training_records"]


def a_record(engine, matched: bool, unit: str) -> dict:
    """A training record of someone in ``unit`` (matched to a program or not) to review."""
    emp = CANONICAL["employees"]
    with engine.connect() as conn:
        found = (TR.c.program_id.is_not(None) if matched else TR.c.program_id.is_(None))
        return dict(conn.execute(
            sa.select(TR).join(emp, emp.c.employee_id == TR.c.employee_id)
            .where(found, emp.c.unit == unit, TR.c.match_status.in_(("auto", "unmatched")))
            .order_by(TR.c.employee_id, TR.c.start_date)).mappings().first())


def test_the_profile_shows_training_outside_the_catalogue_with_its_match(sessions, web_world,
                                                                          web_kit):
    record = a_record(web_world["engine"], matched=True, unit=web_world["unit_a"])
    page = sessions["analyst"].get(f"/ui/employees/{record['employee_id']}").text
    section = page.split('id="records-section"', 1)[1]
    text = web_kit.text_of(section)
    assert "Pelatihan di luar katalog" in page and record["title"] in text
    assert record["program_id"] in text and "Dicocokkan otomatis" in text
    assert record["certificate_number"] in text and "review-record" in section
    # A unit head reads their own people's records but has no review form.
    head = sessions["head_a"].get(f"/ui/employees/{record['employee_id']}").text
    assert record["title"] in web_kit.text_of(head) and "review-record" not in head
    english = sessions["analyst"].get(f"/ui/employees/{record['employee_id']}",
                                      params={"lang": "en"}).text
    assert "Training outside the catalogue" in english and "Matched automatically" in english
    sessions["analyst"].get("/ui/", params={"lang": "id"})  # the shared session back in Indonesian


def test_hr_confirms_a_match_from_the_profile(sessions, web_world):
    record = a_record(web_world["engine"], matched=False, unit=web_world["unit_b"])
    client = sessions["analyst"]
    url = f"/ui/employees/{record['employee_id']}/training-records"
    form = {"title": record["title"], "start_date": record["start_date"].isoformat(),
            "action": "confirm"}
    assert client.post(url, data=form).status_code == 403  # no CSRF token
    token = client.cookies["asn_csrf"]
    nothing = client.post(url, data={**form, "csrf_token": token})
    assert nothing.status_code == 303 and "notice=record.invalid" in nothing.headers["location"]
    unknown = client.post(url, data={**form, "program_id": "NO-SUCH", "csrf_token": token})
    assert "notice=record.unknown_program" in unknown.headers["location"]
    with web_world["engine"].connect() as conn:
        program = conn.execute(sa.select(CANONICAL["programs"].c.program_id)
                               .order_by(CANONICAL["programs"].c.program_id)).first()[0]
    done = client.post(url, data={**form, "program_id": program, "csrf_token": token})
    assert done.status_code == 303 and "notice=record.confirmed" in done.headers["location"]
    with web_world["engine"].connect() as conn:
        stored = conn.execute(sa.select(TR.c.program_id, TR.c.match_status).where(
            TR.c.employee_id == record["employee_id"], TR.c.title == record["title"],
            TR.c.start_date == record["start_date"])).one()
    assert tuple(stored) == (program, "confirmed")
    page = client.get(done.headers["location"]).text
    assert "Kecocokan dikonfirmasi." in page and "Dikonfirmasi" in page
    head = sessions["head_a"]
    refused = head.post(url, data={**form, "action": "reject",
                                   "csrf_token": head.cookies["asn_csrf"]})
    assert refused.status_code == 403
