"""``asn-reco akpk`` end to end on the small trained world, and its answers to bad input."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from typer.testing import CliRunner

from commands.main import app

runner = CliRunner()
BUDGET = 150_000_000


def _run(*args: str):
    return runner.invoke(app, ["akpk", *args], env={"COLUMNS": "200"})


@pytest.mark.parametrize("args, message", [
    (("--year", "20x7", "--budget", "1000"), "--year must be a year such as 2027"),
    (("--year", "2027", "--budget", "banyak"), "--budget must be a whole number of rupiah"),
    (("--year", "2027", "--budget", "-5"), "--budget must be a whole number of rupiah"),
    (("--year", "1999", "--budget", "1000"), "year must be a whole number between 2000"),
    (("--year", "2027", "--budget", "1000", "--out", "akpk.csv"), "--out must end in .xlsx"),
])
def test_bad_year_budget_or_file_is_a_clear_error_not_a_traceback(args, message):
    result = _run(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.slow
def test_a_year_before_the_model_or_without_offerings_is_refused(plan_workspace, plan_world,
                                                                 tmp_path):
    year = int(plan_world["quarter"][:4])
    early = _run("--year", str(year - 1), "--budget", "1000", "--out", str(tmp_path / "a.xlsx"))
    assert early.exit_code == 2 and "plans a coming year" in early.output
    late = _run("--year", str(year + 5), "--budget", "1000", "--out", str(tmp_path / "a.xlsx"))
    assert late.exit_code == 2 and "no offerings are scheduled" in " ".join(late.output.split())
    assert not (tmp_path / "a.xlsx").exists()


@pytest.mark.slow
def test_akpk_workbook_keeps_to_the_budget_and_opens_in_libreoffice(plan_workspace, plan_world,
                                                                    tmp_path):
    out = tmp_path / "akpk.xlsx"
    year = plan_world["quarter"][:4]
    result = _run("--year", year, "--budget", "150.000.000", "--out", str(out),
                  "--time-limit", "60")
    assert result.exit_code == 0, result.output
    assert "greedy_by_score" in result.output and "popular_first" in result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[:2] == ["Ringkasan", "Anggaran per Sumber"]
    unit_sheets = book.sheetnames[2:]
    assert len(unit_sheets) >= 2
    total = 0.0
    for name in unit_sheets:
        ws = book[name]
        assert ws["A3"].value == "ID Pegawai" and ws["R3"].value == "Biaya (Rp)"
        rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] not in (None,
                                                                                   "Jumlah")]
        assert rows, name
        assert {r[18] for r in rows} <= {"Tinggi", "Sedang", "Rendah"}
        assert {r[10] for r in rows} <= {"Klasikal", "Non-klasikal"}
        total += sum(r[17] for r in rows)
    assert 0 < total <= BUDGET
    budget = book["Anggaran per Sumber"]
    assert budget["A4"].value.startswith("APBD")
    assert budget._charts and book["Ringkasan"]._charts
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "akpk.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
