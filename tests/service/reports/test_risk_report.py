"""Risk report workbook: opens, has its charts, shows only safe data, converts to PDF."""

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from model.playbook import annotate_groups
from model.risk_groups import discover_groups
from model.trend import participation_trend
from service.reports.risk_report import escape_cell, write_risk_report


@pytest.fixture(scope="module")
def report_inputs():
    rng = np.random.default_rng(2)
    n = 600
    people = pd.DataFrame({
        "person_key": [f"k{i}" for i in range(n)],
        "unit": rng.choice(["=HYPERLINK(\"x\")", "Dinas Kesehatan", "BPKPAD", "Satpol PP"], n),
        "digital_access": rng.choice(["good", "limited", "poor"], n),
        "sex": rng.choice(["M", "F"], n),
    })
    low = people.digital_access == "poor"
    people["p_reach"] = np.clip(0.75 - 0.3 * low + rng.normal(0, 0.05, n), 0, 1)
    groups = discover_groups(people)
    groups = annotate_groups(groups, {"G1": {"digital_access": 0.8, "sex": 0.2}})
    tiny = groups.iloc[[0]].assign(group_id="G99", people=4, rule_en="tiny", rule_id="kecil")
    groups = pd.concat([groups, tiny], ignore_index=True)
    groups.attrs.update(people_total=n, org_predicted=float(people.p_reach.mean()))
    history = pd.concat([
        people.assign(quarter=q, predicted=people.p_reach,
                      actual=(rng.random(n) < people.p_reach).astype(float))
        for q in ("2024Q3", "2024Q4", "2025Q1")])
    return groups, participation_trend(history, by="unit")


def all_values(wb) -> list:
    return [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def test_the_workbook_has_three_sheets_and_native_charts(tmp_path, report_inputs):
    groups, trend = report_inputs
    path = write_risk_report(groups, trend, tmp_path / "risk.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ringkasan", "Kelompok", "Tren"]
    assert [type(c).__name__ for c in wb["Kelompok"]._charts] == ["BarChart"]
    assert [type(c).__name__ for c in wb["Tren"]._charts] == ["LineChart"]
    rows = list(wb["Kelompok"].iter_rows(min_row=2, values_only=True))
    assert rows[0][1].startswith("akses digital = poor")
    assert "Sediakan pilihan pelatihan klasikal" in rows[0][-1]
    assert [r[0] for r in wb["Tren"].iter_rows(min_row=2, max_row=4, values_only=True)] == [
        "2024Q3", "2024Q4", "2025Q1"]


def test_only_threshold_safe_data_and_no_formulas_are_written(tmp_path, report_inputs):
    groups, trend = report_inputs
    wb = load_workbook(write_risk_report(groups, trend, tmp_path / "r.xlsx", language="en"))
    assert wb.sheetnames == ["Summary", "Groups", "Trend"]
    group_ids = [r[0] for r in wb["Groups"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert "G99" not in group_ids and group_ids
    values = all_values(wb)
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert '\'=HYPERLINK("x")' in values
    assert not any(isinstance(v, str) and v.startswith("k") and v[1:].isdigit() for v in values)
    people_counts = [r[1] for r in wb["Trend"].iter_rows(min_row=2, values_only=True)
                     if isinstance(r[1], int)]
    assert people_counts and min(people_counts) >= 10


def test_a_trend_with_a_small_shown_cell_is_refused(tmp_path, report_inputs):
    groups, _ = report_inputs
    trend = pd.DataFrame({"quarter": ["2025Q1"], "people": [3], "predicted": [0.5],
                          "actual": [0.4]})
    with pytest.raises(ValueError, match="fewer than 10 people \\(2025Q1\\)"):
        write_risk_report(groups, trend, tmp_path / "r.xlsx")
    with pytest.raises(ValueError, match="language must be"):
        write_risk_report(groups, trend, tmp_path / "r.xlsx", language="fr")


def test_formula_like_text_is_escaped():
    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("@SUM(A1)") == "'@SUM(A1)"
    assert escape_cell("-5") == "'-5"
    assert escape_cell(-5) == -5
    assert escape_cell(np.float64(0.5)) == 0.5 and escape_cell(pd.NA) is None


@pytest.mark.slow
def test_the_workbook_converts_to_pdf_with_libreoffice(tmp_path, report_inputs):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed: apt-get install libreoffice-calc")
    groups, trend = report_inputs
    path = write_risk_report(groups, trend, tmp_path / "risk.xlsx")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=120)
    pdf = tmp_path / "risk.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 5000
