"""SIASN's value words, read into the product's choices.

Each reader takes the cell text as exported and returns the canonical value, or None when the
word is not one it knows (the SIASN profile then reports the cell). Words are compared with
case, spacing and punctuation ignored, so ``S-1/Sarjana``, ``S1 / SARJANA`` and ``s1sarjana``
are the same word.
"""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def word_key(value: str) -> str:
    """A word with case, spacing and punctuation removed."""
    return _NOT_ALNUM.sub("", value.strip().lower())


# Longest first: "diplomaiii" must be tried before "diplomaii" and "diplomai".
_EDUCATION_PREFIXES = (
    ("diplomaiv", "D4"), ("diplomaiii", "D3"), ("diplomaii", "D2"), ("diplomai", "D1"),
    ("div", "D4"), ("diii", "D3"), ("dii", "D2"), ("d4", "D4"), ("d3", "D3"), ("d2", "D2"),
    ("d1", "D1"), ("sarjanamuda", "D3"), ("s3", "S3"), ("doktor", "S3"), ("s2", "S2"),
    ("magister", "S2"), ("pascasarjana", "S2"), ("s1", "S1"), ("sarjana", "S1"),
    ("sltp", "SMP"), ("smp", "SMP"), ("slta", "SMA"), ("sma", "SMA"), ("smk", "SMA"),
    ("smu", "SMA"), ("stm", "SMA"), ("sekolahdasar", "SD"), ("sd", "SD"),
)


def education(value: str) -> str | None:
    """``S-1/Sarjana`` -> ``S1``, ``Diploma III/Sarjana Muda`` -> ``D3``, ``SLTA Kejuruan`` -> ``SMA``."""
    key = word_key(value)
    if key == "di":  # "D-I" (and not "Diploma ...", handled above)
        return "D1"
    for prefix, level in _EDUCATION_PREFIXES:
        if key.startswith(prefix):
            return level
    return None


_ESELON = re.compile(r"^(?:eselon)?(iv|iii|ii|i|v)[ab]?$")
_ESELON_JOB = {"i": "jpt_madya", "ii": "jpt_pratama", "iii": "administrator", "iv": "pengawas",
               "v": "pengawas"}
# Level words in a functional position title, longest first ("Ahli Muda" before "Muda").
_LEVELS = (
    ("ahli utama", "ahli_utama"), ("ahli madya", "ahli_madya"), ("ahli muda", "ahli_muda"),
    ("ahli pertama", "ahli_pertama"), ("pelaksana lanjutan", "terampil_mahir"),
    ("pelaksana pemula", "terampil_pemula"), ("penyelia", "terampil_penyelia"),
    ("mahir", "terampil_mahir"), ("pemula", "terampil_pemula"), ("terampil", "terampil"),
    ("pelaksana", "terampil"),
)
_WORDS = re.compile(r"[a-z]+")
# How a job kind's level reads in a position name (for the import report).
LEVEL_SHOWN = {"ahli_utama": "Ahli Utama", "ahli_madya": "Ahli Madya", "ahli_muda": "Ahli Muda",
               "ahli_pertama": "Ahli Pertama", "terampil_penyelia": "Penyelia",
               "terampil_mahir": "Mahir", "terampil_pemula": "Pemula", "terampil": "Terampil"}


def eselon_job_kind(eselon: str) -> str | None:
    """``Eselon III.a`` / ``III.a`` / ``IIIa`` -> ``administrator``; None for none or unknown."""
    match = _ESELON.match(word_key(eselon))
    return _ESELON_JOB[match.group(1)] if match else None


def no_eselon(eselon: str) -> bool:
    """An eselon cell that says there is none (blank, ``-``, ``Non Eselon``)."""
    return word_key(eselon) in ("", "noneselon", "nonesselon", "tidakada", "0")


def functional_level(position: str) -> str | None:
    """The job kind named by a functional position's level words (``Perawat Ahli Muda``)."""
    text = " ".join(_WORDS.findall(position.lower()))
    for words, kind in _LEVELS:
        if re.search(rf"\b{words}\b", text):
            return kind
    return None


def job_kind(jenis_jabatan: str, eselon: str, position: str) -> str | None:
    """The job kind from SIASN's jenis jabatan, eselon and position name.

    A structural position takes its kind from the eselon (I: JPT madya, II: JPT pratama,
    III: administrator, IV and V: pengawas); a functional one (*fungsional tertentu*) from the
    level words of its name; *fungsional umum* / *pelaksana* is pelaksana.
    """
    kind = word_key(jenis_jabatan)
    if not no_eselon(eselon):
        return eselon_job_kind(eselon)
    if "umum" in kind or "pelaksana" in kind:
        return "pelaksana"
    if "fungsional" in kind or "tertentu" in kind:
        return functional_level(position)
    return None


def employment_type(status_cpns_pns: str, jenis_pegawai: str) -> str | None:
    """``P`` -> PNS, ``C`` -> CPNS; a *jenis pegawai* naming PPPK (or P3K) -> PPPK."""
    kind = word_key(jenis_pegawai)
    if "pppk" in kind or "p3k" in kind:
        return "PPPK"
    return {"p": "PNS", "pns": "PNS", "c": "CPNS", "cpns": "CPNS"}.get(word_key(status_cpns_pns))


# kedudukan hukum: "Aktif" serves; leave, retirement, death and dismissal do not.
_NOT_SERVING = ("pensiun", "meninggal", "berhenti", "cltn", "diluartanggungan", "tugasbelajar",
                "mpp", "masapersiapanpensiun", "punah", "hilang", "mutasikeluar", "pindahkeluar",
                "desersi", "diberhentikan", "pemberhentian")


def active(kedudukan_hukum: str) -> str | None:
    """``Aktif`` -> true; ``Pensiun``, ``CLTN``, ``Tugas Belajar``, ``Meninggal`` ... -> false."""
    key = word_key(kedudukan_hukum)
    if any(word in key for word in _NOT_SERVING):
        return "false"
    if key.startswith("aktif"):
        return "true"
    return None


_EXPECTATIONS = {"diatasekspektasi": "Di Atas Ekspektasi", "diatas": "Di Atas Ekspektasi",
                 "sesuaiekspektasi": "Sesuai Ekspektasi", "sesuai": "Sesuai Ekspektasi",
                 "dibawahekspektasi": "Di Bawah Ekspektasi", "dibawah": "Di Bawah Ekspektasi"}


def expectation(value: str) -> str | None:
    """``DI ATAS EKSPEKTASI`` / ``Diatas Ekspektasi`` -> ``Di Atas Ekspektasi`` (and the others)."""
    return _EXPECTATIONS.get(word_key(value))


_RATINGS = {"sangatbaik": "Sangat Baik", "baik": "Baik", "butuhperbaikan": "Butuh Perbaikan",
            "perluperbaikan": "Butuh Perbaikan", "kurang": "Kurang", "kurangmisconduct": "Kurang",
            "sangatkurang": "Sangat Kurang"}


def rating(value: str) -> str | None:
    """SKP predikat: ``SANGAT BAIK`` -> ``Sangat Baik``; ``Kurang/Misconduct`` -> ``Kurang``."""
    return _RATINGS.get(word_key(value))


_COURSE_KINDS = {
    "kursus": "kursus", "seminar": "seminar", "webinar": "seminar", "simposium": "seminar",
    "sosialisasi": "seminar", "lokakarya": "workshop", "workshop": "workshop",
    "diklatteknis": "diklat_teknis", "pelatihanteknis": "diklat_teknis",
    "bimbinganteknis": "diklat_teknis", "bimtek": "diklat_teknis",
    "diklatfungsional": "diklat_fungsional", "pelatihanfungsional": "diklat_fungsional",
    "diklatstruktural": "diklat_struktural", "diklatkepemimpinan": "diklat_struktural",
    "elearning": "e_learning", "pembelajaranelektronik": "e_learning", "lainnya": "lainnya",
}


def course_kind(value: str) -> str:
    """The kind of a riwayat kursus row (``Diklat Teknis`` -> ``diklat_teknis``); else lainnya."""
    return _COURSE_KINDS.get(word_key(value), "lainnya")
