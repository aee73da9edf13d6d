"""Import end to end: good files land once; every bad file is named precisely and writes nothing."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from service.ingest.importer import import_paths
from service.ingest.readers import Limits
from service.storage.frames import load_tables

NIP_SITI = "198503122010012001"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_good_import_then_reimport_changes_nothing(db_engine, sample_dir, fingerprint):
    empty = fingerprint(db_engine)
    first = import_paths([sample_dir], db_engine)
    assert first.ok, first.problems
    assert first.written
    assert fingerprint(db_engine) != empty  # the fingerprint does see writes
    frames = load_tables(db_engine)
    assert {n: len(f) for n, f in frames.items() if len(f)} == {
        "units": 2, "employees": 3, "competencies": 2, "competency_assessments": 2,
        "performance_reviews": 2, "programs": 2, "offerings": 2, "enrollments": 2,
        "training_records": 1}
    before = fingerprint(db_engine)

    again = import_paths([sample_dir], db_engine)
    assert again.ok and again.written
    assert all(f.inserted == 0 for f in again.files)
    assert fingerprint(db_engine) == before


def test_enrollment_program_is_derived_from_its_offering(db_engine, sample_dir):
    assert import_paths([sample_dir], db_engine).ok
    enrollments = load_tables(db_engine, ["enrollments"])["enrollments"]
    budi = enrollments[enrollments["offering_id"] == "O002"].iloc[0]
    assert budi["program_id"] == "P002"


def test_canonical_dtypes_after_import(db_engine, sample_dir):
    assert import_paths([sample_dir], db_engine).ok
    employees = load_tables(db_engine, ["employees"])["employees"]
    assert str(employees["birth_date"].dtype).startswith("datetime64")
    programs = load_tables(db_engine, ["programs"])["programs"]
    assert programs["jp"].dtype == "Int64"
    assert programs.set_index("program_id").loc["P002", "cost_idr"] == 1_500_000


def test_indonesian_headers_and_values_are_recognised(db_engine, sample_dir, tmp_path):
    assert import_paths([sample_dir / "units.csv"], db_engine).ok
    siasn = _write(tmp_path, "Employees.csv",
                   "NIP;Nama;Jenis Kelamin;Tanggal Lahir;STATUS KEPEGAWAIAN;Pangkat/Golongan;"
                   "Jenis Jabatan;Jabatan;Unit Kerja;Pendidikan Terakhir;TMT CPNS;Agama\n"
                   f"{NIP_SITI};Siti Aminah;Perempuan;12-03-1985;pns;Penata Muda, III/a;"
                   "Ahli Pertama;Perawat;Dinas Kesehatan;S-1;01/01/2010;Islam\n")
    report = import_paths([siasn], db_engine)
    assert report.ok, report.problems
    assert report.files[0].ignored_columns == ["Agama"]
    row = load_tables(db_engine, ["employees"])["employees"].iloc[0]
    assert (row["employee_id"], row["sex"], row["grade"], row["job_kind"], row["education"],
            row["employment_type"]) == (NIP_SITI, "F", "III/a", "ahli_pertama", "S1", "PNS")
    assert str(row["birth_date"].date()) == "1985-03-12"
    assert str(row["appointment_date"].date()) == "2010-01-01"


def test_dry_run_validates_but_writes_nothing(db_engine, sample_dir, fingerprint):
    before = fingerprint(db_engine)
    report = import_paths([sample_dir], db_engine, dry_run=True)
    assert report.ok and not report.written
    assert report.files[0].inserted > 0
    assert fingerprint(db_engine) == before


EMPLOYEE_HEADER = ("employee_id,name,sex,birth_date,employment_type,grade,job_kind,position,unit\n")


def _bad_csv(name: str, text: str):
    def make(folder: Path) -> Path:
        return _write(folder, name, text)
    return make


BAD_CASES = {
    "wrong type": (_bad_csv("employees.csv", EMPLOYEE_HEADER +
                            "199001012015031002,Budi,M,1990-01-01,CPNS,II/a,pelaksana,Staf,BKPSDM\n"
                            "PPPK-9,Ani,F,tanggal,PPPK,IX,pelaksana,Staf,BKPSDM\n"),
                   3, "birth_date", "must be a real date"),
    "missing required column": (_bad_csv("competency_assessments.csv",
                                         "employee_id,competency_code,assessed_level\n"
                                         f"{NIP_SITI},MK01,3\n"),
                                1, "assessed_on", "required column is missing"),
    "duplicate key": (_bad_csv("employees.csv", EMPLOYEE_HEADER +
                               "PPPK-9,Ani,F,1990-01-01,PPPK,IX,pelaksana,Staf,BKPSDM\n"
                               "PPPK-9,Ani,F,1990-01-01,PPPK,IX,pelaksana,Staf,BKPSDM\n"),
                      3, "employee_id", "duplicate key"),
    "unknown unit": (_bad_csv("employees.csv", EMPLOYEE_HEADER +
                              "PPPK-9,Ani,F,1990-01-01,PPPK,IX,pelaksana,Staf,Dinas Fiktif\n"),
                     2, "unit", "unknown unit"),
    "unknown program": (_bad_csv("enrollments.csv", "NIP,Kode Pelatihan,Tanggal,Status\n"
                                 f"{NIP_SITI},P999,2025-01-01,completed\n"),
                        2, "program_id", "unknown program_id"),
    "bad NIP": (_bad_csv("employees.csv", EMPLOYEE_HEADER +
                         "198502302010012001,Siti,F,,PNS,III/a,pelaksana,Staf,BKPSDM\n"),
                2, "employee_id", "not a real birth date"),
    "NIP sex mismatch": (_bad_csv("employees.csv", EMPLOYEE_HEADER +
                                  f"{NIP_SITI},Siti,L,1985-03-12,PNS,III/a,pelaksana,Staf,BKPSDM\n"),
                         2, "employee_id", "does not match digit 15"),
    "empty file": (_bad_csv("units.csv", ""), None, None, "file is empty"),
    "header only": (_bad_csv("units.csv", "unit,sector\n"), None, None, "no data rows"),
    "non-UTF-8 CSV": (lambda f: (f / "units.csv").write_bytes(
        "unit,sector\nDinas Pendidikan Caf\u00e9,education\n".encode("cp1252")) and f / "units.csv",
        2, None, "not UTF-8"),
    "XLSX with formulas": (lambda f: _xlsx(f / "units.xlsx", {"units": [
        ["unit", "sector"], ["Dinas Pendidikan", "education"], ["=1+1", "health"]]}),
        3, "A3", "formula"),
    "XLSX with several sheets": (lambda f: _xlsx(f / "units.xlsx", {
        "Sheet1": [["unit"], ["A"]], "Sheet2": [["unit"], ["B"]]}), None, None, "several sheets"),
    "unknown file name": (_bad_csv("pegawai.csv", "unit\nA\n"), None, None,
                          "does not name a table"),
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_is_reported_precisely_and_changes_nothing(
        case, db_engine, sample_dir, tmp_path, fingerprint):
    assert import_paths([sample_dir], db_engine).ok
    before = fingerprint(db_engine)
    make, row, column, rule = BAD_CASES[case]
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    path = make(bad_dir)

    report = import_paths([path], db_engine)

    assert not report.ok and not report.written
    matching = [p for p in report.problems if rule in p.rule]
    assert matching, report.problems
    problem = matching[0]
    assert problem.file == str(path)
    assert problem.row == row
    if column is not None:
        assert column in problem.column
    assert fingerprint(db_engine) == before


@pytest.mark.parametrize("limits, rule", [
    (Limits(max_bytes=50, max_rows=1000), "over the limit of 50"),
    (Limits(max_bytes=10**6, max_rows=1), "more than 1 data rows"),
])
def test_files_over_the_limits_are_refused(limits, rule, db_engine, sample_dir, fingerprint):
    before = fingerprint(db_engine)
    report = import_paths([sample_dir / "employees.csv"], db_engine, limits=limits)
    assert [p.rule for p in report.problems if rule in p.rule], report.problems
    assert report.problems[0].file.endswith("employees.csv")
    assert fingerprint(db_engine) == before


def test_one_bad_file_blocks_the_whole_import(db_engine, sample_dir, fingerprint):
    before = fingerprint(db_engine)
    text = (sample_dir / "programs.csv").read_text().replace(",20,0,", ",twenty,0,")
    (sample_dir / "programs.csv").write_text(text)
    report = import_paths([sample_dir], db_engine)
    assert [(p.row, p.column) for p in report.problems] == [(2, "jp")]
    assert fingerprint(db_engine) == before


def test_cp1252_is_accepted_only_when_asked(db_engine, tmp_path):
    path = tmp_path / "units.csv"
    path.write_bytes("unit,sector\nKantor Caf\u00e9,economy\n".encode("cp1252"))
    assert not import_paths([path], db_engine).ok
    assert import_paths([path], db_engine, encoding="cp1252").ok
    assert load_tables(db_engine, ["units"])["units"]["unit"].tolist() == ["Kantor Caf\u00e9"]


def test_xlsx_sheet_named_like_the_table_is_used(db_engine, tmp_path):
    path = _xlsx(tmp_path / "Units.xlsx", {"Petunjuk": [["read me"]],
                                           "units": [["Unit Kerja", "Sektor"], ["BKPSDM", "general_administration"]]})
    report = import_paths([path], db_engine)
    assert report.ok, report.problems
    assert report.files[0].sheet == "units"
    assert load_tables(db_engine, ["units"])["units"]["unit"].tolist() == ["BKPSDM"]
