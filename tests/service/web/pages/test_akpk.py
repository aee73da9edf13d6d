"""The AKPK page: HR downloads the whole city's workbook, a unit head only their OPD's sheet."""

import io

import openpyxl
import pytest

pytestmark = pytest.mark.slow


def _download(client, year: int, budget: str = "300000000"):
    return client.get("/ui/akpk/download", params={"year": str(year), "budget_idr": budget},
                      timeout=180)


def test_the_page_speaks_indonesian_and_english(sessions):
    client = sessions["analyst"]
    page = client.get("/ui/akpk")
    assert page.status_code == 200
    assert "Analisis Kebutuhan Pengembangan Kompetensi" in page.text
    assert 'action="/ui/akpk/download"' in page.text
    english = client.get("/ui/akpk", params={"lang": "en"})
    assert "competency development needs analysis" in english.text
    client.get("/ui/akpk", params={"lang": "id"})
    head = sessions["head_a"].get("/ui/akpk")
    assert head.status_code == 200 and 'id="akpk-unit"' in head.text


def test_hr_gets_every_opd_and_a_unit_head_only_their_own(sessions, web_world):
    year = int(web_world["as_of"][:4])
    whole = _download(sessions["analyst"], year)
    assert whole.status_code == 200, whole.text[:500]
    assert whole.headers["content-disposition"].endswith(f'akpk-{year}.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(whole.content))
    assert book.sheetnames[:2] == ["Ringkasan", "Anggaran per Sumber"]
    units = book.sheetnames[2:]
    assert len(units) >= 2
    budget = book["Anggaran per Sumber"]
    spent = next(budget.cell(r, 4).value for r in range(4, 10)
                 if budget.cell(r, 1).value == "Jumlah")
    assert 0 < spent <= 300_000_000
    mine = _download(sessions["head_a"], year)
    assert mine.status_code == 200, mine.text[:500]
    own = openpyxl.load_workbook(io.BytesIO(mine.content))
    assert own.sheetnames[2:] == [web_world["unit_a"][:31]]
    ids = {r[0] for r in own.worksheets[2].iter_rows(min_row=4, values_only=True)} - {"Jumlah"}
    assert ids and web_world["person_b"] not in ids


def test_bad_year_or_budget_is_refused_clearly(sessions, web_world):
    client = sessions["analyst"]
    assert _download(client, 1999).status_code == 422
    assert client.get("/ui/akpk/download", params={"year": "2027",
                                                   "budget_idr": "-1"}).status_code == 422
    early = _download(client, int(web_world["as_of"][:4]) - 1)
    assert early.status_code == 422 and "plans a coming year" in early.text
