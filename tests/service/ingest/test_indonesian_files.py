"""Files as an Indonesian-locale Excel writes them: ';'-separated, decimal commas, rupiah and
month names import as the values they mean; an ambiguous number is refused, never guessed."""

import shutil
from pathlib import Path

import pandas as pd

from service.ingest.importer import import_paths
from service.storage.frames import load_tables

NIP_SITI = "198503122010012001"
NIP_BUDI = "199001012015031002"


def _folder(sample_dir: Path, tmp_path: Path, files: dict[str, str]) -> Path:
    """The sample files with some replaced by Indonesian-locale ones."""
    folder = tmp_path / "id-files"
    folder.mkdir()
    for source in sample_dir.iterdir():
        if source.stem not in files:
            shutil.copy(source, folder / source.name)
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


INDONESIAN = {
    "programs": (
        "program_id;title;category;competencies;form;delivery;jp;cost_idr;provider\n"
        "P001;Literasi Digital Dasar;digital;DL01:2;non_klasikal;e_learning;20;Rp 0;BKPSDM\n"
        "P002;Pelatihan Integritas;manajerial;MK01:3;klasikal;pelatihan;32;Rp 1.500.000;LAN\n"
        "P003;Kepemimpinan Pengawas;manajerial;MK01:3;klasikal;pelatihan;1.000;"
        "Rp1.250.000,00;LAN\n"
    ),
    "offerings": (
        "offering_id;program_id;start_date;end_date;seats;location\n"
        "O001;P001;1 Februari 2025;28 Feb 2025;100;Online\n"
        "O002;P002;Senin, 10 Maret 2025;13-Mar-2025;30;Aula BKPSDM\n"
    ),
    "performance_reviews": (
        "employee_id;period;skp_rating;skp_score\n"
        f"{NIP_SITI};2024;Baik;87,5\n"
        f"{NIP_BUDI};2024;Sangat Baik;101\n"
    ),
    "enrollments": (
        "employee_id;program_id;offering_id;date;status;jp_earned;post_test_score;source\n"
        f"{NIP_SITI};P001;O001;15 Januari 2025;completed;20;85,25;self\n"
        f"{NIP_BUDI};;O002;Kamis, 20 Peb 2025;attended;31,5;;nominated\n"
    ),
}


def test_semicolon_files_with_decimal_commas_rupiah_and_month_names_import(
        db_engine, sample_dir, tmp_path):
    files = dict(INDONESIAN)
    # nothing in the jp column settles "1.000" (P003): see the next test
    files["programs"] = "\n".join(files["programs"].splitlines()[:3]) + "\n"
    report = import_paths([_folder(sample_dir, tmp_path, files)], db_engine)
    assert report.ok, report.problems
    tables = load_tables(db_engine, ["programs", "offerings", "performance_reviews",
                                     "enrollments"])
    programs = tables["programs"].set_index("program_id")
    assert programs["cost_idr"].to_dict() == {"P001": 0, "P002": 1_500_000}
    offerings = tables["offerings"].set_index("offering_id")
    assert offerings.loc["O002", "start_date"] == pd.Timestamp("2025-03-10")
    assert offerings.loc["O001", "end_date"] == pd.Timestamp("2025-02-28")
    reviews = tables["performance_reviews"].set_index("employee_id")
    assert reviews.loc[NIP_SITI, "skp_score"] == 87.5
    enrollments = tables["enrollments"].set_index("employee_id")
    assert enrollments.loc[NIP_SITI, "post_test_score"] == 85.25
    assert enrollments.loc[NIP_BUDI, "jp_earned"] == 31.5
    assert enrollments.loc[NIP_BUDI, "date"] == pd.Timestamp("2025-02-20")


def test_an_ambiguous_number_is_reported_where_it_is_and_nothing_is_written(
        db_engine, sample_dir, tmp_path, fingerprint):
    before = fingerprint(db_engine)
    report = import_paths([_folder(sample_dir, tmp_path, INDONESIAN)], db_engine)
    assert not report.ok and not report.written
    assert fingerprint(db_engine) == before
    found = [(Path(p.file).name, p.row, p.column, p.value, p.rule) for p in report.problems]
    assert found == [("programs.csv", 4, "jp", "1.000",
                      "ambiguous: 1.000 can be 1 or 1000; write 1000 or 1 (nothing else in "
                      "the column shows which of . and , is the decimal mark)")]


def test_a_wrong_weekday_is_reported_not_corrected(db_engine, sample_dir, tmp_path):
    files = {"offerings": INDONESIAN["offerings"].replace("Senin, 10 Maret", "Selasa, 10 Maret")}
    report = import_paths([_folder(sample_dir, tmp_path, files)], db_engine)
    assert not report.ok and not report.written
    [problem] = report.problems
    assert (Path(problem.file).name, problem.row, problem.column) == \
        ("offerings.csv", 3, "start_date")
    assert "2025-03-10 is a Monday (Senin), not a Tuesday (Selasa)" in problem.rule
