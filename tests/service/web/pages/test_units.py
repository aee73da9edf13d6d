"""Unit pages: scope, compliance and the suggestions export."""

import csv
import io

import pytest

pytestmark = pytest.mark.slow


def test_a_unit_head_lands_on_their_unit_and_cannot_open_another(sessions, web_world):
    head = sessions["head_a"]
    answer = head.get("/ui/units")
    assert answer.status_code == 303
    assert head.get(answer.headers["location"]).status_code == 200
    assert head.get(f"/ui/units/{web_world['unit_b']}").status_code == 404
    assert head.get(f"/ui/units/{web_world['unit_b']}/export").status_code == 404


def test_the_csv_export_holds_only_the_units_staff_with_reasons(sessions, web_world):
    answer = sessions["analyst"].get(f"/ui/units/{web_world['unit_b']}/export",
                                     params={"format": "csv", "k": 2})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows and {r["unit"] for r in rows} == {web_world["unit_b"]}
    assert max(int(r["rank"]) for r in rows if r["rank"]) == 2
    assert all(r["reasons_id"] for r in rows if r["rank"])


def test_bad_export_parameters_are_422(sessions, web_world):
    url = f"/ui/units/{web_world['unit_a']}/export"
    assert sessions["analyst"].get(url, params={"format": "pdf"}).status_code == 422
    assert sessions["analyst"].get(url, params={"k": 500}).status_code == 422


def test_the_units_list_shows_each_units_compliance(sessions, web_world):
    page = sessions["admin"].get("/ui/units").text
    assert web_world["unit_a"] in page and web_world["unit_b"] in page and "%" in page
