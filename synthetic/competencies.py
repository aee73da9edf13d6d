"""The synthetic competency dictionary and the levels each job requires.

Managerial and socio-cultural competencies follow PermenPANRB 38/2017; technical ones are
written per sector, as each agency writes its own dictionary (see docs/synthetic-data.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import glossary as g

# code, name_id, name_en, type, sector ("" for every sector)
COMPETENCIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("MK01", "Integritas", "Integrity", "manajerial", ""),
    ("MK02", "Kerjasama", "Teamwork", "manajerial", ""),
    ("MK03", "Komunikasi", "Communication", "manajerial", ""),
    ("MK04", "Orientasi pada Hasil", "Results orientation", "manajerial", ""),
    ("MK05", "Pelayanan Publik", "Public service", "manajerial", ""),
    ("MK06", "Pengembangan Diri dan Orang Lain", "Developing self and others", "manajerial", ""),
    ("MK07", "Mengelola Perubahan", "Managing change", "manajerial", ""),
    ("MK08", "Pengambilan Keputusan", "Decision making", "manajerial", ""),
    ("SK01", "Perekat Bangsa", "National cohesion", "sosial_kultural", ""),
    ("DG01", "Literasi Digital", "Digital literacy", "teknis", ""),
    ("DG02", "Sistem Informasi dan SPBE", "Information systems and e-government", "teknis", ""),
    ("AD01", "Tata Naskah Dinas dan Kearsipan", "Official correspondence and records",
     "teknis", "general_administration"),
    ("AD02", "Perencanaan dan Penganggaran", "Planning and budgeting", "teknis",
     "general_administration"),
    ("AD03", "Pengawasan Internal", "Internal audit", "teknis", "general_administration"),
    ("KS01", "Standar Pelayanan Kesehatan", "Health service standards", "teknis", "health"),
    ("KS02", "Keselamatan Pasien", "Patient safety", "teknis", "health"),
    ("KS03", "Kesehatan Ibu dan Anak", "Maternal and child health", "teknis", "health"),
    ("PD01", "Manajemen Berbasis Sekolah", "School-based management", "teknis", "education"),
    ("PD02", "Pembelajaran Berdiferensiasi", "Differentiated instruction", "teknis",
     "education"),
    ("PD03", "Asesmen Pembelajaran", "Learning assessment", "teknis", "education"),
    ("DK01", "Sistem Administrasi Kependudukan", "Population administration systems", "teknis",
     "population_administration"),
    ("DK02", "Layanan Adminduk Daring", "Online civil registration services", "teknis",
     "population_administration"),
    ("PU01", "Konstruksi dan Pemeliharaan Jalan", "Road construction and maintenance", "teknis",
     "public_works"),
    ("PU02", "Penataan Ruang", "Spatial planning", "teknis", "public_works"),
    ("KU01", "Pengelolaan Keuangan Daerah", "Public finance management", "teknis", "finance"),
    ("KU02", "Pajak dan Retribusi Daerah", "Local taxes and levies", "teknis", "finance"),
    ("SO01", "Pelayanan Kesejahteraan Sosial", "Social welfare services", "teknis", "social"),
    ("SO02", "Pemberdayaan Masyarakat", "Community empowerment", "teknis", "social"),
    ("EK01", "Perizinan Berusaha", "Business licensing", "teknis", "economy"),
    ("EK02", "Pengembangan UMKM", "Small business development", "teknis", "economy"),
    ("LH01", "Pengelolaan Sampah", "Waste management", "teknis", "environment"),
    ("LH02", "Pengendalian Pencemaran", "Pollution control", "teknis", "environment"),
    ("KM01", "Ketertiban Umum dan Penegakan Perda", "Public order and by-law enforcement",
     "teknis", "security"),
    ("KM02", "Penanggulangan Bencana dan Kebakaran", "Disaster and fire response", "teknis",
     "security"),
    ("KO01", "Pengelolaan Informasi Publik", "Public information management", "teknis",
     "communication"),
    ("KO02", "Keamanan Informasi", "Information security", "teknis", "communication"),
    ("KL01", "Administrasi Kewilayahan", "Local area administration", "teknis",
     "regional_office"),
    ("KL02", "Pelayanan Kelurahan", "Neighbourhood office services", "teknis",
     "regional_office"),
)

# Technical level a job requires in its own sector's competencies (an assumption: one above
# the managerial standard for staff, the managerial standard for leaders; docs explain).
TECHNICAL_LEVEL: dict[str, int] = {
    "jpt_utama": 4, "jpt_madya": 4, "jpt_pratama": 3, "administrator": 3, "pengawas": 3,
    "pelaksana": 2, "ahli_pertama": 2, "ahli_muda": 3, "ahli_madya": 4, "ahli_utama": 4,
    "terampil_pemula": 1, "terampil": 2, "terampil_mahir": 2, "terampil_penyelia": 3,
}
# Sectors whose staff need information-system skills (DG02) at level 2.
INFORMATION_SYSTEM_SECTORS = ("communication", "population_administration", "finance")


def competency_table() -> pd.DataFrame:
    """The ``competencies`` table."""
    frame = pd.DataFrame(COMPETENCIES, columns=["code", "name_id", "name_en", "type", "sector"])
    assert set(frame["type"]) <= set(g.COMPETENCY_TYPES)
    return frame


def required_levels(job_kind: pd.Series, sector: pd.Series, codes: list[str]) -> np.ndarray:
    """Required level of each person (row) in each competency (column); 0 = not required.

    Managerial and socio-cultural: ``glossary.STANDARD_LEVEL``; own-sector technical:
    ``TECHNICAL_LEVEL``; digital literacy 2 for everyone; DG02 for a few sectors.
    """
    table = competency_table().set_index("code").loc[codes]
    standard = job_kind.map(g.STANDARD_LEVEL).to_numpy(np.int8)
    technical = job_kind.map(TECHNICAL_LEVEL).to_numpy(np.int8)
    sect = sector.to_numpy()
    out = np.zeros((len(job_kind), len(codes)), dtype=np.int8)
    for j, (code, row) in enumerate(table.iterrows()):
        if row["type"] in ("manajerial", "sosial_kultural"):
            out[:, j] = standard
        elif code == "DG01":
            out[:, j] = 2
        elif code == "DG02":
            out[:, j] = np.where(np.isin(sect, INFORMATION_SYSTEM_SECTORS), 2, 0)
        else:
            out[:, j] = np.where(sect == row["sector"], technical, 0)
    return out
