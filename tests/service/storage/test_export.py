"""Exported files are safe to open in a spreadsheet and keep the data."""

import pandas as pd
import sqlalchemy as sa
from openpyxl import load_workbook

from service.ingest.importer import import_paths
from service.storage.export import escape_formula, export_table
from service.storage.schema import CANONICAL

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def _seed(engine):
    with engine.begin() as conn:
        conn.execute(sa.insert(CANONICAL["units"]),
                     [{"unit": f"U{i}", "parent_unit": v} for i, v in enumerate(DANGEROUS)]
                     + [{"unit": "Plain", "parent_unit": "Kecamatan Binjai Kota"}])


def test_escape_formula_only_touches_dangerous_text():
    assert [escape_formula(v) for v in DANGEROUS] == ["'" + v for v in DANGEROUS]
    assert escape_formula("Dinas Kesehatan") == "Dinas Kesehatan"
    assert escape_formula(-5) == -5


def test_csv_export_escapes_formulas(db_engine, tmp_path):
    _seed(db_engine)
    out = tmp_path / "units.csv"
    assert export_table(db_engine, "units", "csv", out) == len(DANGEROUS) + 1
    cells = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("unit")["parent_unit"]
    for i, v in enumerate(DANGEROUS[:5]):
        assert cells[f"U{i}"] == "'" + v
    assert cells["U5"].startswith("'")
    assert cells["Plain"] == "Kecamatan Binjai Kota"


def test_xlsx_export_has_no_formula_cells(db_engine, tmp_path):
    _seed(db_engine)
    out = tmp_path / "units.xlsx"
    export_table(db_engine, "units", "xlsx", out)
    sheet = load_workbook(out)["units"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {row[0].value: row[3].value for row in sheet.iter_rows(min_row=2)}
    assert values["U0"] == "'" + DANGEROUS[0]


def test_export_keeps_dates_and_numbers(db_engine, sample_dir, tmp_path):
    assert import_paths([sample_dir], db_engine).ok
    out = tmp_path / "programs.csv"
    export_table(db_engine, "programs", "csv", out)
    programs = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("program_id")
    assert programs.loc["P002", "cost_idr"] == "1500000"
    assert programs.loc["P002", "competencies"] == "MK01:3"
    out = tmp_path / "offerings.csv"
    export_table(db_engine, "offerings", "csv", out)
    assert "2025-03-10" in out.read_text()
