"""Building, reviewing, approving and exporting a quarter's plan from the pages."""

import io
import re
import time

import openpyxl
import pytest

pytestmark = pytest.mark.slow


def test_build_remove_approve_and_export_a_plan(sessions, web_world):
    client = sessions["analyst"]
    token = client.cookies["asn_csrf"]
    assert "Susun rencana baru" in client.get("/ui/plans").text
    made = client.post("/ui/plans", data={"budget_idr": "20000000", "quarter": "",
                                          "max_per_person": "1", "csrf_token": token})
    assert made.status_code == 303, made.text[:500]
    plan_url = made.headers["location"].split("?")[0]
    deadline = time.monotonic() + 90
    while 'id="plan-building"' in (page := client.get(plan_url).text):
        assert time.monotonic() < deadline, "the plan is still building"
        time.sleep(0.5)
    assert 'id="plan-status">draf<' in page
    lines = re.findall(r'action="(/ui/plans/[0-9a-f]+/lines/\d+)"', page)
    assert lines, "the plan has no lines"
    removed = client.post(lines[0], data={"action": "remove", "csrf_token": token})
    assert removed.status_code == 303
    assert 'class="removed"' in client.get(plan_url).text
    approved = client.post(f"{plan_url}/approve", data={"csrf_token": token})
    assert approved.status_code == 303
    page = client.get(plan_url).text
    assert 'id="plan-status">disetujui<' in page
    again = client.post(f"{plan_url}/approve", data={"csrf_token": token})
    assert again.status_code == 409
    sheet = client.get(f"{plan_url}/export", params={"format": "xlsx"})
    assert sheet.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(sheet.content), read_only=True)
    assert len(list(book.active.iter_rows(values_only=True))) == len(lines)  # header + kept


def test_unit_heads_cannot_build_plans_and_bad_budgets_are_422(sessions):
    head = sessions["head_a"]
    assert head.get("/ui/plans").status_code == 403
    assert head.post("/ui/plans", data={"budget_idr": "1000",
                                        "csrf_token": head.cookies["asn_csrf"]}).status_code == 403
    analyst = sessions["analyst"]
    bad = analyst.post("/ui/plans", data={"budget_idr": "-5",
                                          "csrf_token": analyst.cookies["asn_csrf"]})
    assert bad.status_code == 422
    assert analyst.get("/ui/plans/ZZZ").status_code == 422
    assert analyst.get("/ui/plans/abcdef123456").status_code == 404
