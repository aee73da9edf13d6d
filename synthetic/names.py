"""Plausible Indonesian names for Binjai (Malay, Batak/Karo, Javanese and others) from parts."""

from __future__ import annotations

import numpy as np
import pandas as pd

MALE = ("Ahmad", "Muhammad", "Budi", "Rizki", "Andi", "Hendra", "Joko", "Agus", "Dedi", "Fajar",
        "Hasan", "Irwan", "Rudi", "Syahrul", "Teguh", "Yusuf", "Zulkarnain", "Darmawan", "Fauzi",
        "Iqbal", "Rahmat", "Ridwan", "Samuel", "Daniel", "Parlindungan", "Hotman", "Maruli",
        "Togar", "Binsar", "Tigor", "Bambang", "Eko", "Wahyu", "Arif", "Hamdan", "Khairul",
        "Ramadhan", "Sahat", "Jefri", "Roni", "Indra", "Surya", "Bayu", "Dimas", "Taufik")
FEMALE = ("Siti", "Sri", "Dewi", "Nur", "Rina", "Yuni", "Fitri", "Lestari", "Ratna", "Indah",
          "Putri", "Ayu", "Rosmawati", "Nurhayati", "Sumiati", "Juliana", "Maria", "Elisabeth",
          "Debora", "Romauli", "Tiurma", "Lasmaria", "Melati", "Rahmawati", "Aisyah",
          "Khairunnisa", "Nurul", "Wulan", "Ernawati", "Yusnita", "Hotmaida", "Nova", "Desi",
          "Mega", "Kartika", "Lina", "Ika", "Rizka", "Dian", "Anisa", "Herlina", "Suryani")
MIDDLE_MALE = ("Putra", "Rahman", "Hidayat", "Saputra", "Adi", "Budiman", "Pratama", "Setia")
MIDDLE_FEMALE = ("Sari", "Wati", "Anggraini", "Handayani", "Permata", "Utami", "Kurnia", "Ayu")
MARGA = ("Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitorus", "Hutagalung",
         "Sinaga", "Simatupang", "Pardede", "Tarigan", "Ginting", "Sembiring", "Perangin-angin",
         "Sitepu", "Barus", "Manurung", "Panjaitan", "Situmorang", "Damanik", "Purba", "Saragih",
         "Pohan", "Batubara", "Hasibuan", "Daulay", "Rangkuti", "Pulungan")
JAVANESE = ("Wibowo", "Prasetyo", "Santoso", "Susanto", "Hidayat", "Wahyudi", "Setiawan",
            "Kurniawan", "Nugroho", "Sutrisno", "Suparman", "Purnomo", "Widodo", "Lestari")
MALAY_MALE = ("Syahputra", "Syahrial", "Effendi", "Zainal", "Harun", "Ismail")
MALAY_FEMALE = ("Syafitri", "Syahfitri", "Zahara", "Aini", "Rahayu", "Fadhilah")
# Academic titles (gelar) by education, with the sector-specific ones teachers and nurses use.
TITLES = {"D3": "A.Md.", "D4": "S.Tr.", "S1": "S.E.", "S2": "M.Si.", "S3": "Dr."}
SECTOR_TITLES = {"education": {"S1": "S.Pd.", "S2": "M.Pd."},
                 "health": {"D3": "A.Md.Kep.", "S1": "S.Kep.", "S2": "M.Kes."},
                 "public_works": {"S1": "S.T.", "S2": "M.T."},
                 "communication": {"S1": "S.Kom.", "S2": "M.Kom."}}
# Shares of name traditions in Binjai (assumption: Malay, Batak/Karo and Javanese communities).
TRADITIONS = ("batak", "javanese", "malay", "plain")
TRADITION_SHARE = (0.35, 0.30, 0.20, 0.15)


def _pick(rng: np.random.Generator, parts: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(parts, dtype=object)[rng.integers(0, len(parts), n)]


def make_names(rng: np.random.Generator, sex: np.ndarray, education: np.ndarray,
               sector: np.ndarray) -> np.ndarray:
    """A full name with academic title for each person."""
    n = len(sex)
    female = sex == "F"
    first = np.where(female, _pick(rng, FEMALE, n), _pick(rng, MALE, n))
    middle = np.where(female, _pick(rng, MIDDLE_FEMALE, n), _pick(rng, MIDDLE_MALE, n))
    malay = np.where(female, _pick(rng, MALAY_FEMALE, n), _pick(rng, MALAY_MALE, n))
    tradition = rng.choice(len(TRADITIONS), size=n, p=TRADITION_SHARE)
    last = np.select(
        [tradition == 0, tradition == 1, tradition == 2],
        [_pick(rng, MARGA, n), _pick(rng, JAVANESE, n), malay],
        default=middle,
    )
    with_middle = (rng.random(n) < 0.3) & (tradition != 3)
    name = pd.Series(first) + np.where(with_middle, " " + pd.Series(middle), "") + " " + last
    title = pd.Series(education).map(TITLES).fillna("")
    for sect, table in SECTOR_TITLES.items():
        mask = sector == sect
        title[mask] = pd.Series(education[mask]).map(table).fillna(title[mask].reset_index(
            drop=True)).to_numpy()
    doctor = title == "Dr."
    name = np.where(doctor, "Dr. " + name, name)
    return np.where((title != "") & ~doctor, name + ", " + title, name).astype(object)
