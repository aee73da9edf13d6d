"""Training taken outside the catalogue, as SIASN's riwayat kursus / riwayat diklat hold it.

Some employees attend trainings that BKPSDM did not run: webinars of other agencies, courses
of professional bodies, and now and then a catalogue program taken with another provider. The
last are written as SIASN writes them (upper case, with the batch and year, "Diklat" for
"Pelatihan"), so the import's matcher has real work; their true program is in the truth.
Drawn from their own random stream, so the rest of the synthetic city is unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Trainings of other providers that the catalogue does not hold: (title, kind, provider, JP).
OUTSIDE_COURSES = (
    ("Webinar Keterbukaan Informasi Publik", "seminar", "Komisi Informasi Provinsi Sumut", 3),
    ("Seminar Nasional Reformasi Birokrasi", "seminar", "Kementerian PANRB", 4),
    ("Kursus Bahasa Inggris untuk Aparatur", "kursus", "Universitas Sumatera Utara", 24),
    ("Workshop Penulisan Karya Ilmiah", "workshop", "Universitas Negeri Medan", 8),
    ("Pelatihan Pertolongan Pertama pada Kecelakaan", "diklat_teknis", "PMI Kota Binjai", 12),
    ("Sosialisasi Aplikasi SRIKANDI", "seminar", "ANRI", 2),
    ("Webinar Hari Antikorupsi Sedunia", "seminar", "KPK", 3),
    ("Kursus Desain Grafis untuk Humas", "e_learning", "Kominfo Digital Talent", 16),
    ("Pelatihan Pengadaan Barang Jasa Tingkat Dasar", "diklat_fungsional", "LKPP", 40),
    ("Seminar Kesehatan Mental di Tempat Kerja", "seminar", "RSJ Prof. Ildrem", 4),
    ("Workshop Penyusunan Indikator Kinerja", "workshop", "BPKP Perwakilan Sumut", 16),
    ("Kursus Analisis Data dengan Spreadsheet", "e_learning", "Kominfo Digital Talent", 20),
)
P_RECORD = 0.10         # chance that an employed person-year has one outside training
P_CATALOGUE = 0.35      # ... that it is a catalogue program taken with another provider
OTHER_PROVIDERS = ("BPSDM Provinsi Sumatera Utara", "Pusdiklat Kemendagri", "LAN RI")
KINDS_OF_DELIVERY = {"pelatihan": "diklat_teknis", "workshop": "workshop", "seminar": "seminar",
                     "kursus": "kursus", "e_learning": "e_learning"}


def _siasn_title(rng: np.random.Generator, title: str, year: int) -> str:
    """A catalogue title as it comes back from another provider's certificate."""
    text = title.replace("Pelatihan ", "Diklat ", 1) if rng.random() < 0.4 else title
    suffix = rng.choice(["", f" Angkatan {rng.choice(['I', 'II', 'III'])}", f" Tahun {year}"])
    text += suffix
    return text.upper() if rng.random() < 0.5 else text


def training_records(rng: np.random.Generator, people: pd.DataFrame, programs: pd.DataFrame,
                     years: list[int], window_start: np.datetime64,
                     window_end: np.datetime64) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical ``training_records`` and the truth (each record's true program, if any).

    Records fall inside the simulated window only, like the enrolments (a year the window
    starts late in is only partly covered).
    """
    appointed = people["appointment_date"].to_numpy("datetime64[D]")
    exit_ = people["exit_date"].to_numpy("datetime64[D]")
    catalogue = programs[programs["delivery"].isin(list(KINDS_OF_DELIVERY))]
    rows, truth = [], []
    for year in years:
        first = max(np.datetime64(f"{year}-01-01"), window_start)
        last = min(np.datetime64(f"{year}-12-31"), window_end)
        if last <= first:
            continue
        employed = np.flatnonzero((appointed < first) & ~(exit_ <= last))
        chosen = employed[rng.random(len(employed)) < P_RECORD]
        span = int((last - first).astype(int))
        for e in chosen:
            start = first + np.timedelta64(int(rng.integers(0, span)), "D")
            if rng.random() < P_CATALOGUE and len(catalogue):
                p = catalogue.iloc[int(rng.integers(len(catalogue)))]
                title, kind = _siasn_title(rng, p["title"], year), KINDS_OF_DELIVERY[p["delivery"]]
                if p["category"] == "kepemimpinan":  # leadership training is SIASN's riwayat diklat
                    kind = "diklat_struktural"
                provider, jp, true_id = str(rng.choice(OTHER_PROVIDERS)), int(p["jp"]), p["program_id"]
            else:
                title, kind, provider, jp = OUTSIDE_COURSES[int(rng.integers(len(OUTSIDE_COURSES)))]
                true_id = ""
            days = 0 if kind == "seminar" else int(max(jp // 8 - 1, 0))
            end = min(start + np.timedelta64(days, "D"), last)
            employee = people["employee_id"].iat[e]
            rows.append({"employee_id": employee, "title": title, "start_date": str(start),
                         "end_date": str(end), "kind": kind, "provider": provider,
                         "jp": jp, "certificate_number": f"STTPP/{year}/{len(rows) + 1:05d}",
                         "source": "siasn_diklat" if kind == "diklat_struktural" else "siasn_kursus",
                         "program_id": "", "match_status": "", "match_score": ""})
            truth.append({"employee_id": employee, "title": title, "start_date": str(start),
                          "program_id": true_id})
    columns = ["employee_id", "title", "start_date"]
    records = pd.DataFrame(rows).drop_duplicates(columns) if rows else pd.DataFrame(rows)
    truth_frame = pd.DataFrame(truth).drop_duplicates(columns) if truth else pd.DataFrame(truth)
    return records, truth_frame
