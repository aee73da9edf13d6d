"""Position titles (jabatan) from job kind, sector and unit kind."""

from __future__ import annotations

import numpy as np
import pandas as pd

FUNCTIONAL_TITLES: dict[str, tuple[str, ...]] = {
    "education": ("Guru",),
    "health": ("Perawat", "Bidan", "Dokter", "Apoteker", "Nutrisionis", "Perekam Medis",
               "Pranata Laboratorium Kesehatan"),
    "finance": ("Analis Keuangan Pusat dan Daerah", "Penilai Pajak"),
    "general_administration": ("Analis Kebijakan", "Arsiparis", "Auditor", "Perencana",
                               "Analis Sumber Daya Manusia Aparatur"),
    "communication": ("Pranata Komputer", "Pranata Hubungan Masyarakat"),
    "population_administration": ("Administrator Database Kependudukan",),
    "public_works": ("Teknik Jalan dan Jembatan", "Penata Ruang", "Pengawas Perhubungan"),
    "security": ("Polisi Pamong Praja", "Analis Kebakaran"),
    "environment": ("Pengendali Dampak Lingkungan", "Pengawas Lingkungan Hidup"),
    "economy": ("Penyuluh Pertanian", "Penyuluh Perindustrian dan Perdagangan"),
    "social": ("Penyuluh Sosial", "Pekerja Sosial", "Penyuluh Keluarga Berencana"),
    "regional_office": ("Analis Kebijakan", "Pranata Komputer"),
}
LEVEL_WORDS = {
    "ahli_pertama": "Ahli Pertama", "ahli_muda": "Ahli Muda", "ahli_madya": "Ahli Madya",
    "ahli_utama": "Ahli Utama", "terampil_pemula": "Pemula", "terampil": "Terampil",
    "terampil_mahir": "Mahir", "terampil_penyelia": "Penyelia",
}
PELAKSANA = ("Pengadministrasi Umum", "Pengelola Data", "Pengelola Keuangan",
             "Operator Layanan Operasional", "Pengemudi", "Petugas Layanan")
ADMINISTRATOR = ("Sekretaris", "Kepala Bidang", "Kepala Bagian")
PENGAWAS = ("Kepala Seksi", "Kepala Subbagian", "Kepala Subbidang")


def positions(rng: np.random.Generator, job_kind: pd.Series, sector: pd.Series,
              unit_kind: pd.Series) -> np.ndarray:
    """A plausible jabatan for each (non-head) person."""
    n = len(job_kind)
    jk, sect, kind = job_kind.to_numpy(), sector.to_numpy(), unit_kind.to_numpy()
    u = rng.random(n)
    out = np.empty(n, dtype=object)
    out[:] = np.asarray(PELAKSANA, dtype=object)[(u * len(PELAKSANA)).astype(int)]
    out[jk == "administrator"] = np.asarray(ADMINISTRATOR, dtype=object)[
        (u[jk == "administrator"] * len(ADMINISTRATOR)).astype(int)]
    out[jk == "pengawas"] = np.asarray(PENGAWAS, dtype=object)[
        (u[jk == "pengawas"] * len(PENGAWAS)).astype(int)]
    out[(jk == "administrator") & (kind == "kecamatan")] = "Sekretaris Kecamatan"
    out[(jk == "pengawas") & (kind == "kelurahan")] = "Sekretaris Kelurahan"
    out[jk == "jpt_pratama"] = np.where(u[jk == "jpt_pratama"] < 0.5, "Asisten Sekretaris Daerah",
                                        "Staf Ahli Wali Kota")
    functional = np.isin(jk, list(LEVEL_WORDS))
    for s, titles in FUNCTIONAL_TITLES.items():
        mask = functional & (sect == s)
        pick = np.asarray(titles, dtype=object)[(u[mask] * len(titles)).astype(int)]
        out[mask] = pick + " " + pd.Series(jk[mask]).map(LEVEL_WORDS).to_numpy()
    return out
