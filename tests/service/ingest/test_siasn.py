"""The SIASN profile: exports read as they are, with every mapping reported."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from model.tables import TABLES
from service.ingest.importer import import_paths
from service.ingest.siasn import recognise
from service.storage.engine import get_engine, init_db
from service.storage.schema import CANONICAL
from synthetic import generate, write_world
from synthetic.siasn_files import write_siasn

KEY = b"round-trip-test-key-0123456789ab"
DATA_ASN = """NIP BARU,NAMA,TANGGAL LAHIR,JENIS KELAMIN,STATUS CPNS PNS,JENIS PEGAWAI NAMA,GOL AKHIR NAMA,JENIS JABATAN NAMA,ESELON NAMA,JABATAN NAMA,UNOR NAMA,TINGKAT PENDIDIKAN NAMA,KEDUDUKAN HUKUM NAMA,TMT CPNS,TMT JABATAN
198701012010011001,Andi,01-01-1987,M,P,PNS Daerah Kabupaten/Kota,III/c,Jabatan Struktural,Eselon III.a,Kepala Bidang Pelayanan,Dinas Kesehatan,S-1/Sarjana,Aktif,01-01-2010,02-01-2020
199203042015032001,Sari,04-03-1992,F,C,PNS Daerah Kabupaten/Kota,II/c,Jabatan Fungsional,,Perawat Terampil,Kecamatan Binjai Utara,Diploma III/Sarjana Muda,Aktif,01-03-2015,
199505052022212001,Tono,05-05-1995,M,,PPPK,IX,Jabatan Pelaksana,-,Pengadministrasi Umum,BKPSDM,SLTA Kejuruan,Tugas Belajar,01-01-2022,
"""


def _world_tables(engine: sa.Engine) -> dict[str, pd.DataFrame]:
    out = {}
    with engine.connect() as conn:
        for name, spec in TABLES.items():
            # The canonical columns only (storage adds surrogate ids in insertion order).
            columns = spec.names
            table = CANONICAL[name]
            frame = pd.DataFrame(conn.execute(sa.select(*[table.c[c] for c in columns])).all(),
                                 columns=columns)
            if not frame.empty:
                frame = frame.sort_values(list(spec.key)).reset_index(drop=True)
            out[name] = frame
    return out


def _engine(path) -> sa.Engine:
    engine = get_engine(f"sqlite:///{path}")
    init_db(engine)
    return engine


def _suggestions(engine: sa.Engine) -> pd.DataFrame:
    from model.recommender import Recommender, default_as_of
    from service.model_inputs import load_model_frames

    frames = load_model_frames(engine, KEY)
    recommender = Recommender().fit(frames, default_as_of(frames))
    top = recommender.recommend(recommender.context(frames), k=5)
    return top[["person_key", "program_id", "rank"]].sort_values(["person_key", "rank"])


def test_siasn_files_give_the_same_tables_and_suggestions_as_the_canonical_files(tmp_path):
    world = generate(500, 2, seed=7, end_quarter="2026Q3")
    assert (world.tables["training_records"]["source"] == "siasn_diklat").any()
    write_world(world, tmp_path / "canonical", tmp_path / "truth")
    written = write_siasn(world, tmp_path / "siasn")
    assert {"Export_Data_ASN.csv", "riwayat_kursus.csv", "riwayat_diklat.csv",
            "riwayat_skp22.csv"} <= {p.name for p in written}
    a, b = _engine(tmp_path / "a.db"), _engine(tmp_path / "b.db")
    canonical = import_paths([tmp_path / "canonical"], a)
    siasn = import_paths([tmp_path / "siasn"], b, profile="siasn")
    assert canonical.ok and siasn.ok, siasn.problems[:5]
    assert siasn.profile == "siasn"
    mapped = {(m.source, m.canonical) for m in siasn.mappings}
    assert ("S-1/Sarjana", "S1") in mapped and ("Struktural | II.b", "jpt_pratama") in mapped
    assert ("DI ATAS EKSPEKTASI", "Di Atas Ekspektasi") in mapped
    left, right = _world_tables(a), _world_tables(b)
    for name in TABLES:
        pd.testing.assert_frame_equal(left[name], right[name], check_like=True, obj=name)
    assert len(right["training_records"]) == len(world.tables["training_records"])
    expected, got = _suggestions(a), _suggestions(b)
    assert len(expected) > 1000
    pd.testing.assert_frame_equal(expected.reset_index(drop=True), got.reset_index(drop=True))


def test_upper_case_headers_and_value_words_are_read(db_engine, sample_dir, tmp_path):
    assert import_paths([sample_dir / "units.csv"], db_engine).ok
    path = tmp_path / "export.csv"
    path.write_text(DATA_ASN, encoding="utf-8")
    report = import_paths([path], db_engine, profile="siasn")
    assert report.ok, report.problems
    with db_engine.connect() as conn:
        rows = {r.employee_id: r for r in conn.execute(sa.select(CANONICAL["employees"]))}
        units = {u for (u,) in conn.execute(sa.select(CANONICAL["units"].c.unit))}
    andi, sari, tono = (rows[k] for k in sorted(rows))
    assert (andi.job_kind, andi.education, andi.employment_type) == ("administrator", "S1", "PNS")
    assert (sari.job_kind, sari.education, sari.employment_type) == ("terampil", "D3", "CPNS")
    assert (tono.job_kind, tono.education, tono.employment_type) == ("pelaksana", "SMA", "PPPK")
    assert (andi.active, tono.active) == (True, False)
    assert str(andi.birth_date) == "1987-01-01"
    assert "Kecamatan Binjai Utara" in units  # a unit SIASN names is created
    summary = next(f for f in report.files if f.table == "employees")
    assert "TMT JABATAN" in summary.ignored_columns


def test_a_word_it_cannot_map_is_reported_and_nothing_is_written(db_engine, tmp_path,
                                                                fingerprint):
    bad = DATA_ASN.replace("S-1/Sarjana", "Paket C").replace("Eselon III.a", "")
    path = tmp_path / "export.csv"
    path.write_text(bad, encoding="utf-8")
    before = fingerprint(db_engine)
    report = import_paths([path], db_engine, profile="siasn")
    assert not report.ok and not report.written
    where = {(p.row, p.column, p.value) for p in report.problems}
    assert (2, "TINGKAT PENDIDIKAN NAMA", "Paket C") in where
    job = [p for p in report.problems if p.column.startswith("JENIS JABATAN NAMA")]
    assert [p.row for p in job] == [2] and "eselon" in job[0].rule
    assert fingerprint(db_engine) == before


def test_riwayat_diklat_and_kursus_become_training_records(db_engine, sample_dir, tmp_path):
    assert import_paths([sample_dir], db_engine).ok
    (tmp_path / "diklat.csv").write_text(
        "nipBaru,latihanStrukturalNama,nomor,tanggal,tanggalSelesai,jumlahJam,tahun\n"
        "198503122010012001,Pelatihan Kepemimpinan Pengawas,STTPP-9,03-06-2024,28-09-2024,"
        "\"190,5\",2024\n", encoding="utf-8")
    (tmp_path / "kursus.csv").write_text(
        "nip_baru;nama_kursus;jenis_kursus_nama;jumlah_jam;tahun_kursus;institusi_penyelenggara\n"
        "199001012015031002;Webinar Literasi Digital;Webinar;3;2023;Kominfo\n", encoding="utf-8")
    report = import_paths([tmp_path / "diklat.csv", tmp_path / "kursus.csv"], db_engine,
                          profile="siasn")
    assert report.ok, report.problems
    with db_engine.connect() as conn:
        rows = {r.title: r for r in conn.execute(sa.select(CANONICAL["training_records"]))}
    diklat, webinar = rows["Pelatihan Kepemimpinan Pengawas"], rows["Webinar Literasi Digital"]
    assert (diklat.kind, diklat.source, diklat.jp) == ("diklat_struktural", "siasn_diklat", 190.5)
    assert str(diklat.end_date) == "2024-09-28" and diklat.certificate_number == "STTPP-9"
    assert (webinar.kind, webinar.source, str(webinar.start_date)) == (
        "seminar", "siasn_kursus", "2023-01-01")
    assert any("only the year" in m.source for m in report.mappings)


def test_skp_components_give_the_quadrant_and_the_predikat(db_engine, sample_dir, tmp_path):
    assert import_paths([sample_dir], db_engine).ok
    (tmp_path / "skp.csv").write_text(
        "nipBaru,tahun,hasilKinerja,perilakuKerja,kuadranKinerja\n"
        "198503122010012001,2025,DIATAS EKSPEKTASI,DI BAWAH EKSPEKTASI,\n"
        "199001012015031002,2025,Sesuai Ekspektasi,Di Atas Ekspektasi,BAIK\n", encoding="utf-8")
    report = import_paths([tmp_path / "skp.csv"], db_engine, profile="siasn")
    assert report.ok, report.problems
    with db_engine.connect() as conn:
        rows = {r.employee_id: r for r in conn.execute(
            sa.select(CANONICAL["performance_reviews"]).where(
                CANONICAL["performance_reviews"].c.period == "2025"))}
    first, second = rows["198503122010012001"], rows["199001012015031002"]
    assert (first.quadrant, first.skp_rating) == (3, "Kurang")  # derived from the pair
    assert (second.quadrant, second.skp_rating) == (4, "Baik")


def test_a_file_that_is_no_export_and_names_no_table_is_refused(db_engine, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    report = import_paths([path], db_engine, profile="siasn")
    assert not report.ok and "not a SIASN export" in report.problems[0].rule


@pytest.mark.parametrize(("headers", "expected"), [
    (["nip_baru", "nama", "gol_akhir_nama", "unor_nama"], "Export Data ASN"),
    (["NIPBARU", "NAMA KURSUS", "JUMLAH JAM"], "riwayat kursus"),
    (["nipBaru", "latihanStrukturalNama", "nomor"], "riwayat diklat"),
    (["nipBaru", "tahun", "hasilKinerja", "perilakuKerja"], "SKP"),
])
def test_exports_are_recognised_by_their_headers(headers, expected):
    assert recognise(headers)[0].name == expected


def test_canonical_headers_are_not_taken_for_an_export():
    assert recognise(TABLES["employees"].names) == []
    assert recognise(TABLES["performance_reviews"].names) == []


def test_a_second_file_adds_columns_blanks_nothing_and_may_not_contradict(db_engine, sample_dir,
                                                                         tmp_path, fingerprint):
    assert import_paths([sample_dir], db_engine).ok  # Siti: digital_access good
    siti = ("198503122010012001,Siti Aminah,12-03-1985,F,P,PNS,III/a,Jabatan Fungsional,,"
            "Perawat Ahli Pertama,Dinas Kesehatan,S-1/Sarjana,Aktif,01-01-2010,\n")
    (tmp_path / "export.csv").write_text(DATA_ASN + siti, encoding="utf-8")
    extra = tmp_path / "employees.csv"
    extra.write_text("employee_id,digital_access\n198701012010011001,poor\n", encoding="utf-8")
    report = import_paths([tmp_path], db_engine, profile="siasn")
    assert report.ok, report.problems
    t = CANONICAL["employees"]
    with db_engine.connect() as conn:
        access = dict(conn.execute(sa.select(t.c.employee_id, t.c.digital_access)).all())
    assert access["198701012010011001"] == "poor" and access["198503122010012001"] == "good"
    extra.write_text("employee_id,name\n198701012010011001,Andi Lain\n", encoding="utf-8")
    before = fingerprint(db_engine)
    report = import_paths([tmp_path], db_engine, profile="siasn")
    # Files are read in name order: the export's row is the one found contradicting.
    assert [(p.file, p.row, p.column, p.value) for p in report.problems] == [
        (str(tmp_path / "export.csv"), 2, "NAMA", "Andi")]
    assert f"{extra} row 2 gives 'Andi Lain'" in report.problems[0].rule
    assert fingerprint(db_engine) == before
