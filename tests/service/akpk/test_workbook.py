"""The AKPK workbook: sheets, Indonesian headers and formats, budget, charts, unit cut,
and LibreOffice opening it."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from service.akpk.building import AkpkPlan, for_unit
from service.akpk.workbook import (
    APBD, FREE, INTEGER, LINE_COLUMNS, akpk_workbook, budget_by_source, sheet_title, unit_summary,
)

BUDGET = 60_000_000
LONG_UNIT = "Dinas Kependudukan dan Pencatatan Sipil"


def _lines() -> pd.DataFrame:
    rows = [
        # person, employee, unit, program, form, quarter, jp, cost, priority, perf gap
        ("k1", "E001", "Dinas Kesehatan", "P1", "klasikal", "2027Q1", 24, 12_500_000, 1, True),
        ("k1", "E001", "Dinas Kesehatan", "P2", "non_klasikal", "2027Q3", 10, 0, 2, True),
        ("k2", "E002", "Dinas Kesehatan", "P1", "klasikal", "2027Q1", 24, 12_500_000, 3, False),
        ("k3", "E003", LONG_UNIT, "P3", "klasikal", "2027Q2", 30, 20_000_000, 2, pd.NA),
        ("k4", "E004", "=HYPERLINK(1)", "P2", "non_klasikal", "2027Q3", 10, 0, 2, False),
    ]
    frame = pd.DataFrame(rows, columns=["person_key", "employee_id", "unit", "program_id", "form",
                                        "quarter", "jp", "cost_idr", "priority", "perf_gap"])
    frame["perf_gap"] = frame["perf_gap"].astype("boolean")
    return frame.assign(
        perf_gap_parts=["hasil_kerja", "hasil_kerja", "", "", ""],
        employment_type="PNS", job_kind="pelaksana", competency_id="Komunikasi",
        current_level=[1, 1, 2, np.nan, 1], required_level=[3, 3, 2, 2, 1],
        competency_gap=[2, 2, 0, np.nan, 0], skp_rating_last=[3, 3, 4, np.nan, 5],
        route=["pelatihan", "e_learning", "pelatihan", "workshop", "e_learning"],
        title=["Pelayanan Prima", "Literasi Digital", "Pelayanan Prima", "Arsip", None],
        provider="BPSDM Provinsi", reason_id="Masih kurang 20 JP",
        start_date=[dt.date(2027, 2, 1), dt.date(2027, 8, 5), dt.date(2027, 2, 1),
                    dt.date(2027, 5, 3), None])


def _plan() -> AkpkPlan:
    lines = _lines()
    people = pd.DataFrame({
        "unit": ["Dinas Kesehatan", "Dinas Kesehatan", LONG_UNIT, "=HYPERLINK(1)",
                 "Dinas Kesehatan"],
        "jp_shortfall": [20.0, 20.0, 20.0, 20.0, 20.0],
        "perf_gap": pd.array([True, False, pd.NA, False, False], dtype="boolean"),
    }, index=pd.Index(["k1", "k2", "k3", "k4", "k5"], name="person_key"))
    result = SimpleNamespace(status="optimal", gap=0.0)
    outcome = SimpleNamespace(plan=result)
    return AkpkPlan(2027, ["2027Q1", "2027Q2", "2027Q3"], BUDGET, outcome, lines, people, "7")


@pytest.fixture
def book_bytes() -> bytes:
    return akpk_workbook(_plan(), made=dt.date(2026, 8, 17))


def test_sheets_are_the_summary_the_budget_and_one_per_opd(book_bytes):
    book = openpyxl.load_workbook(io.BytesIO(book_bytes))
    assert book.sheetnames[:2] == ["Ringkasan", "Anggaran per Sumber"]
    assert sorted(book.sheetnames[2:]) == sorted(["Dinas Kesehatan", LONG_UNIT[:31],
                                                  "=HYPERLINK(1)"])
    ws = book["Dinas Kesehatan"]
    assert [c.value for c in ws[3]] == list(LINE_COLUMNS)
    rows = list(ws.iter_rows(min_row=4, max_row=6, values_only=True))
    assert [r[0] for r in rows] == ["E001", "E001", "E002"]
    assert rows[0][8] == "Ya" and rows[0][9] == "hasil kerja" and rows[2][8] == "Tidak"
    assert rows[0][18] == "Tinggi" and rows[2][18] == "Rendah"
    assert rows[1][10] == "Non-klasikal" and rows[1][15] == "5 Agu 2027"
    assert book[LONG_UNIT[:31]]["I4"].value is None  # no SKP review: gap unknown, not "Tidak"
    assert book["Dinas Kesehatan"]["A1"].value == "AKPK 2027 · Dinas Kesehatan"
    assert book["=HYPERLINK(1)"]["A1"].value.startswith("AKPK 2027 · =")


def test_amounts_are_numbers_in_indonesian_format_and_within_the_budget(book_bytes):
    book = openpyxl.load_workbook(io.BytesIO(book_bytes))
    summary = book["Ringkasan"]
    facts = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(4, 12)}
    assert facts["Dibuat"] == "17 Agu 2026"
    assert facts["Pagu anggaran"] == "Rp 60.000.000"
    assert facts["Total biaya rencana"] == "Rp 45.000.000"
    assert facts["Sisa anggaran"] == "Rp 15.000.000"
    cost = book["Dinas Kesehatan"]["R4"]
    assert cost.value == 12_500_000 and cost.number_format == INTEGER == "[$-421]#,##0"
    budget = book["Anggaran per Sumber"]
    table = {budget.cell(r, 1).value: budget.cell(r, 4).value for r in range(4, 9)}
    assert table[APBD] == 45_000_000 and table[FREE] == 0
    assert table["Jumlah"] == 45_000_000 <= table["Pagu anggaran"] == BUDGET
    assert table["Sisa anggaran"] == 15_000_000
    assert len(budget._charts) == 2 and len(summary._charts) == 1


def test_the_summary_counts_each_opd():
    table = unit_summary(_plan()).set_index("unit")
    health = table.loc["Dinas Kesehatan"]
    assert health[["people", "planned", "lines", "jp", "reach_duty", "cost_idr",
                   "perf_gap"]].tolist() == [3, 2, 3, 58, 2, 25_000_000, 1]
    assert health["klasikal_share"] == pytest.approx(2 / 3)
    by_source = budget_by_source(_lines()).set_index("source")
    assert by_source.loc[FREE, "lines"] == 2 and by_source.loc[APBD, "cost_idr"] == 45_000_000


def test_a_unit_head_gets_only_their_opd():
    mine = for_unit(_plan(), "Dinas Kesehatan")
    book = openpyxl.load_workbook(io.BytesIO(akpk_workbook(mine)))
    assert book.sheetnames == ["Ringkasan", "Anggaran per Sumber", "Dinas Kesehatan"]
    assert set(unit_summary(mine)["unit"]) == {"Dinas Kesehatan"}
    ids = {r[0] for r in book["Dinas Kesehatan"].iter_rows(min_row=4, values_only=True)}
    assert ids == {"E001", "E002", "Jumlah"}


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = {"Ringkasan"}
    first = sheet_title("Kecamatan Binjai Kota / Kelurahan [Satu]: Pusat", taken)
    second = sheet_title("Kecamatan Binjai Kota / Kelurahan [Satu]: Pusat", taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert not set("[]:*?/\\") & set(first + second)
    assert sheet_title("ringkasan", taken) == "ringkasan (2)"


@pytest.mark.slow
def test_libreoffice_opens_the_workbook_and_shows_indonesian_numbers(tmp_path, book_bytes):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc")
    path = tmp_path / "akpk.xlsx"
    path.write_bytes(book_bytes)
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    # Every sheet as CSV (token 12 = -1), cells as LibreOffice shows them (token 9 = true).
    subprocess.run([soffice, profile, "--headless", "--convert-to",
                    'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1',
                    "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    sheets = {p.stem.removeprefix("akpk-"): p.read_text(encoding="utf-8")
              for p in tmp_path.glob("akpk*.csv")}
    assert {"Ringkasan", "Anggaran per Sumber", "Dinas Kesehatan"} <= set(sheets), sorted(sheets)
    assert ",12.500.000," in sheets["Dinas Kesehatan"] and ",25.000.000," in sheets["Dinas Kesehatan"]
    assert ",45.000.000" in sheets["Anggaran per Sumber"]
    assert "Rp 60.000.000" in sheets["Ringkasan"]
    subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "akpk.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
