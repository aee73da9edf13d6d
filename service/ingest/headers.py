"""Header recognition: canonical names and the Indonesian headers of SIASN/SIMPEG exports.

Headers match after :func:`header_key` (case, spacing and punctuation ignored), so
``Pangkat/Golongan``, ``PANGKAT GOLONGAN`` and ``pangkat_golongan`` are the same header.
"""

from __future__ import annotations

import re

from model.tables import TABLES

# table -> {alias: canonical column}. Canonical names are always accepted too.
ALIASES: dict[str, dict[str, str]] = {
    "units": {
        "Unit Kerja": "unit", "OPD": "unit", "Nama OPD": "unit", "Nama Unit": "unit",
        "Perangkat Daerah": "unit", "Sektor": "sector", "Bidang": "sector",
        "Jenis Unit": "unit_kind", "Jenis OPD": "unit_kind", "Unit Induk": "parent_unit",
        "Induk Unit": "parent_unit", "Kecamatan": "parent_unit", "NIP Kepala": "head_employee_id",
        "NIP Kepala Unit": "head_employee_id", "NIP Pimpinan": "head_employee_id",
    },
    "employees": {
        "NIP": "employee_id", "NIP Baru": "employee_id", "NI PPPK": "employee_id",
        "Nomor Induk Pegawai": "employee_id", "Nama": "name", "Nama Pegawai": "name",
        "Nama Lengkap": "name", "Jenis Kelamin": "sex", "JK": "sex", "Gender": "sex",
        "Tanggal Lahir": "birth_date", "Tgl Lahir": "birth_date",
        "Status Kepegawaian": "employment_type", "Status Pegawai": "employment_type",
        "Jenis Pegawai": "employment_type", "Jenis Kepegawaian": "employment_type",
        "Pangkat/Golongan": "grade", "Golongan": "grade", "Gol": "grade", "Gol/Ruang": "grade",
        "Golongan Ruang": "grade", "Pangkat Golongan Ruang": "grade",
        "Jenis Jabatan": "job_kind", "Eselon/Jenjang": "job_kind", "Jenjang Jabatan": "job_kind",
        "Jabatan": "position", "Nama Jabatan": "position", "Unit Kerja": "unit", "OPD": "unit",
        "Perangkat Daerah": "unit", "Pendidikan Terakhir": "education", "Pendidikan": "education",
        "Tingkat Pendidikan": "education", "TMT CPNS": "appointment_date",
        "TMT PPPK": "appointment_date", "TMT Pengangkatan": "appointment_date",
        "Akses Digital": "digital_access", "Aktif": "active", "Status Aktif": "active",
    },
    "competencies": {
        "Kode": "code", "Kode Kompetensi": "code", "Nama Kompetensi": "name_id",
        "Nama": "name_id", "Nama (EN)": "name_en", "Nama Inggris": "name_en",
        "Jenis Kompetensi": "type", "Jenis": "type", "Sektor": "sector", "Bidang": "sector",
    },
    "competency_assessments": {
        "NIP": "employee_id", "Kode Kompetensi": "competency_code", "Kompetensi": "competency_code",
        "Level": "assessed_level", "Level Kompetensi": "assessed_level",
        "Level Aktual": "assessed_level", "Nilai Level": "assessed_level",
        "Level Standar": "required_level", "Level Dipersyaratkan": "required_level",
        "Tanggal Asesmen": "assessed_on", "Tanggal Penilaian": "assessed_on",
        "Tanggal": "assessed_on",
    },
    "performance_reviews": {
        "NIP": "employee_id", "Periode": "period", "Tahun": "period", "Tahun Penilaian": "period",
        "Predikat": "skp_rating", "Predikat SKP": "skp_rating", "Predikat Kinerja": "skp_rating",
        "Nilai SKP": "skp_score", "Nilai": "skp_score", "Nilai Kinerja": "skp_score",
    },
    "programs": {
        "Kode Pelatihan": "program_id", "Kode Diklat": "program_id", "Kode Program": "program_id",
        "Nama Pelatihan": "title", "Nama Diklat": "title", "Judul": "title",
        "Kategori": "category", "Kompetensi": "competencies", "Bentuk": "form",
        "Bentuk Pengembangan": "form", "Jalur": "delivery", "Metode": "delivery",
        "Jenis Pelatihan": "delivery", "JP": "jp", "Jam Pelajaran": "jp", "Biaya": "cost_idr",
        "Biaya (Rp)": "cost_idr", "Penyelenggara": "provider", "Jenis Jabatan": "eligible_job_kinds",
        "Golongan Minimal": "min_grade", "Golongan Maksimal": "max_grade",
        "Usia Maksimal": "max_age", "Batas Usia": "max_age",
        "Status Kepegawaian": "eligible_employment_types", "Unit Sasaran": "eligible_units",
        "Sektor Sasaran": "eligible_sectors", "Wajib": "mandatory",
    },
    "offerings": {
        "Kode Angkatan": "offering_id", "Angkatan": "offering_id", "Kode Pelatihan": "program_id",
        "Kode Diklat": "program_id", "Tanggal Mulai": "start_date", "Tgl Mulai": "start_date",
        "Tanggal Selesai": "end_date", "Tgl Selesai": "end_date", "Kuota": "seats",
        "Jumlah Peserta": "seats", "Lokasi": "location", "Tempat": "location",
    },
    "enrollments": {
        "NIP": "employee_id", "Kode Pelatihan": "program_id", "Kode Diklat": "program_id",
        "Kode Angkatan": "offering_id", "Angkatan": "offering_id", "Tanggal": "date",
        "Tanggal Daftar": "date", "Tanggal Usulan": "date", "Status": "status",
        "Status Peserta": "status", "JP Diperoleh": "jp_earned", "JP": "jp_earned",
        "Nilai Post Test": "post_test_score", "Nilai Akhir": "post_test_score", "Sumber": "source",
        "Beban Belajar JP": "study_load_jp", "Beban Belajar": "study_load_jp",
        "Percobaan Sebelumnya": "prior_attempts",
    },
    "decisions": {
        "NIP": "employee_id", "Kode Pelatihan": "program_id", "Kode Angkatan": "offering_id",
        "Keputusan": "decision", "Kode Alasan": "reason_code", "Alasan": "reason", "Diputuskan Oleh": "decided_by",
        "Tanggal Keputusan": "decided_at", "Versi Model": "model_version",
    },
}

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(header: object) -> str:
    """A header with case, spacing and punctuation removed (``Pangkat/Golongan`` -> ``pangkatgolongan``)."""
    return _NOT_ALNUM.sub("", str(header).strip().lower())


def table_for_stem(stem: str) -> str | None:
    """The canonical table a file stem names (``Employees``, ``competency-assessments``), if any."""
    key = header_key(stem)
    for name in TABLES:
        if header_key(name) == key:
            return name
    return None


def header_map(table: str) -> dict[str, str]:
    """{header key: canonical column} for one table: canonical names and their aliases."""
    out = {header_key(alias): column for alias, column in ALIASES.get(table, {}).items()}
    out.update({header_key(column): column for column in TABLES[table].names})
    return out


def map_headers(table: str, headers: list[str]) -> tuple[dict[str, str], list[str], list[tuple[str, str, str]]]:
    """Match a file's headers to canonical columns.

    Returns:
        (header -> column for recognised headers, unrecognised headers,
        clashes as (header, earlier header, column) when two headers name the same column).
    """
    known = header_map(table)
    mapping: dict[str, str] = {}
    taken: dict[str, str] = {}
    ignored: list[str] = []
    clashes: list[tuple[str, str, str]] = []
    for header in headers:
        column = known.get(header_key(header))
        if column is None:
            ignored.append(header)
        elif column in taken:
            clashes.append((header, taken[column], column))
        else:
            mapping[header] = column
            taken[column] = header
    return mapping, ignored, clashes


def check_aliases() -> list[str]:
    """Aliases that point at a column the contract does not have (a test keeps this empty)."""
    return [f"{t}: {a} -> {c}" for t, aliases in ALIASES.items() for a, c in aliases.items()
            if c not in TABLES[t].names]
