"""The units (OPD, kecamatan and kelurahan offices) of the synthetic Kota Binjai.

Names come from public sources (docs/synthetic-data.md); the relative sizes are assumptions
that make education and health the largest, as teachers and health workers are functional staff.
"""

from __future__ import annotations

import pandas as pd

# unit, sector, unit_kind, parent_unit, short name, relative size
OPD: tuple[tuple[str, str, str, float], ...] = (
    ("Sekretariat Daerah", "general_administration", "sekretariat", 3.5),
    ("Sekretariat DPRD", "general_administration", "sekretariat", 1.0),
    ("Inspektorat", "general_administration", "inspektorat", 1.0),
    ("Dinas Pendidikan", "education", "dinas", 33.0),
    ("Dinas Kesehatan", "health", "dinas", 11.0),
    ("RSUD Dr. R.M. Djoelham", "health", "rsud", 8.0),
    ("Dinas Komunikasi dan Informatika", "communication", "dinas", 0.8),
    ("Satuan Polisi Pamong Praja", "security", "satuan", 2.0),
    ("Dinas Kependudukan dan Pencatatan Sipil", "population_administration", "dinas", 1.0),
    ("Dinas Pekerjaan Umum dan Tata Ruang", "public_works", "dinas", 1.5),
    ("Dinas Perumahan dan Kawasan Permukiman", "public_works", "dinas", 0.8),
    ("Dinas Lingkungan Hidup", "environment", "dinas", 2.5),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "economy", "dinas", 0.7),
    ("Dinas Perhubungan", "public_works", "dinas", 1.2),
    ("Badan Pengelolaan Keuangan, Pendapatan dan Aset Daerah", "finance", "badan", 1.5),
    ("Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "general_administration",
     "badan", 0.8),
    ("Badan Perencanaan Pembangunan Daerah", "general_administration", "badan", 0.8),
    ("Dinas Sosial", "social", "dinas", 0.8),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "social", "dinas", 0.6),
    ("Dinas Pengendalian Penduduk dan Keluarga Berencana", "social", "dinas", 1.2),
    ("Dinas Koperasi, UKM, Perindustrian dan Perdagangan", "economy", "dinas", 1.0),
    ("Dinas Ketahanan Pangan dan Pertanian", "economy", "dinas", 1.2),
    ("Dinas Tenaga Kerja", "economy", "dinas", 0.6),
    ("Dinas Pemuda, Olahraga dan Pariwisata", "economy", "dinas", 0.7),
    ("Dinas Perpustakaan dan Kearsipan", "general_administration", "dinas", 0.6),
    ("Badan Kesatuan Bangsa dan Politik", "security", "badan", 0.5),
    ("Badan Penanggulangan Bencana Daerah", "security", "badan", 0.7),
    ("Dinas Pemadam Kebakaran dan Penyelamatan", "security", "dinas", 1.2),
)
KECAMATAN = ("Binjai Kota", "Binjai Utara", "Binjai Timur", "Binjai Selatan", "Binjai Barat")
KELURAHAN: dict[str, tuple[str, ...]] = {
    "Binjai Kota": ("Kartini", "Pekan Binjai", "Tangsi"),
    "Binjai Utara": ("Jati Karya", "Cengkeh Turi", "Kebun Lada"),
    "Binjai Timur": ("Tanah Tinggi", "Mencirim", "Tunggurono"),
    "Binjai Selatan": ("Tanah Merah", "Rambung Barat", "Pujidadi"),
    "Binjai Barat": ("Limau Sundai", "Paya Roba", "Suka Ramai"),
}
KECAMATAN_SIZE = 1.2
KELURAHAN_SIZE = 0.3
# Units with many older pelaksana staff, from which the units whose head never trains are drawn.
PELAKSANA_HEAVY = (
    "Dinas Lingkungan Hidup", "Dinas Perhubungan", "Satuan Polisi Pamong Praja",
    "Dinas Pemadam Kebakaran dan Penyelamatan", "Dinas Perumahan dan Kawasan Permukiman",
)


def unit_table() -> pd.DataFrame:
    """Every unit with sector, kind, parent and relative size (``weight``, sums to 1)."""
    rows = [(u, s, k, "", w) for u, s, k, w in OPD]
    for kec in KECAMATAN:
        rows.append((f"Kecamatan {kec}", "regional_office", "kecamatan", "", KECAMATAN_SIZE))
    for kec, kels in KELURAHAN.items():
        rows += [(f"Kelurahan {kel}", "regional_office", "kelurahan", f"Kecamatan {kec}",
                  KELURAHAN_SIZE) for kel in kels]
    frame = pd.DataFrame(rows, columns=["unit", "sector", "unit_kind", "parent_unit", "weight"])
    frame["weight"] = frame["weight"] / frame["weight"].sum()
    return frame


def head_job_kind(unit_kind: str) -> str:
    """The job of a unit's head: JPT pratama for OPD, camat administrator, lurah pengawas."""
    return {"kecamatan": "administrator", "kelurahan": "pengawas"}.get(unit_kind, "jpt_pratama")


def head_position(unit: str, unit_kind: str) -> str:
    """Title of the head of a unit (Kepala Dinas, Camat, Lurah, ...)."""
    if unit_kind == "kecamatan":
        return "Camat " + unit.removeprefix("Kecamatan ")
    if unit_kind == "kelurahan":
        return "Lurah " + unit.removeprefix("Kelurahan ")
    if unit == "Sekretariat Daerah":
        return "Sekretaris Daerah"
    if unit == "Sekretariat DPRD":
        return "Sekretaris DPRD"
    if unit_kind == "inspektorat":
        return "Inspektur"
    if unit_kind == "rsud":
        return "Direktur RSUD"
    return "Kepala " + unit
