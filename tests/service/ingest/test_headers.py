"""Header recognition of canonical names and Indonesian SIASN/SIMPEG headers."""

from service.ingest.headers import check_aliases, map_headers, table_for_stem


def test_every_alias_points_at_a_contract_column():
    assert check_aliases() == []


def test_headers_match_regardless_of_case_spacing_and_punctuation():
    mapping, ignored, clashes = map_headers(
        "employees", ["nip", "NAMA", "Pangkat / Golongan", "tanggal_lahir", " TMT-CPNS ", "Agama"])
    assert mapping == {"nip": "employee_id", "NAMA": "name", "Pangkat / Golongan": "grade",
                       "tanggal_lahir": "birth_date", " TMT-CPNS ": "appointment_date"}
    assert ignored == ["Agama"] and clashes == []


def test_two_headers_for_one_column_clash():
    _, _, clashes = map_headers("employees", ["Pangkat/Golongan", "Golongan"])
    assert clashes == [("Golongan", "Pangkat/Golongan", "grade")]


def test_file_stems_name_tables():
    assert table_for_stem("Employees") == "employees"
    assert table_for_stem("competency-assessments") == "competency_assessments"
    assert table_for_stem("pegawai") is None
