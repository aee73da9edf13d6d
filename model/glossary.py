"""Domain words of Indonesian civil-service HR, their English meaning and accepted values.

Every other module uses these names; see ``docs/data-format.md`` for the user-facing version.
Numbers that regulations set (20 JP, 24 JP for PPPK, standard levels) are defaults here and can
be overridden through configuration; nothing else hard-codes them.
"""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "asn": "Aparatur Sipil Negara: civil servant (PNS, CPNS or PPPK)",
    "pns": "Pegawai Negeri Sipil: tenured civil servant",
    "cpns": "Calon PNS: civil servant in probation (must complete Latsar)",
    "pppk": "Pegawai Pemerintah dengan Perjanjian Kerja: contract civil servant",
    "nip": "Nomor Induk Pegawai: 18-digit employee number (personal data)",
    "opd": "Organisasi Perangkat Daerah: a city agency (dinas, badan, kantor); called unit here",
    "unit": "the OPD (or kecamatan/kelurahan office) an employee works in",
    "golongan": "civil-service grade (pangkat/golongan ruang), I/a .. IV/e; called grade here",
    "jp": "jam pelajaran: lesson hour, the unit of competency development (20 JP a year is the duty)",
    "skp": "Sasaran Kinerja Pegawai: yearly performance plan and rating",
    "skp_rating": "SKP predikat: Sangat Baik, Baik, Butuh Perbaikan, Kurang, Sangat Kurang",
    "tmt": "Terhitung Mulai Tanggal: effective date of an appointment",
    "klasikal": "classroom forms of learning (training, seminar, workshop, course)",
    "non_klasikal": "non-classroom forms (e-learning, coaching, mentoring, internship, ...)",
    "latsar": "Pelatihan Dasar CPNS: basic training, mandatory for CPNS",
    "jpt": "Jabatan Pimpinan Tinggi: senior executive post",
    "bkpsdm": "Badan Kepegawaian dan Pengembangan SDM: the city's HR agency",
}

SEXES = ("M", "F")
EMPLOYMENT_TYPES = ("PNS", "CPNS", "PPPK")

# PNS grades in order; the index is the grade's rank (0 = I/a).
PNS_GRADES = (
    "I/a", "I/b", "I/c", "I/d",
    "II/a", "II/b", "II/c", "II/d",
    "III/a", "III/b", "III/c", "III/d",
    "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
)
# PPPK grades are roman numerals I..XVII (Perpres 98/2020).
PPPK_GRADES = tuple(
    "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII".split()
)

JOB_KINDS = (
    "jpt_utama", "jpt_madya", "jpt_pratama",
    "administrator", "pengawas", "pelaksana",
    "ahli_pertama", "ahli_muda", "ahli_madya", "ahli_utama",
    "terampil_pemula", "terampil", "terampil_mahir", "terampil_penyelia",
)

# Standard managerial competency level by job kind (PermenPANRB 38/2017); functional levels
# follow the usual mapping of functional ranks onto structural ones.
STANDARD_LEVEL: dict[str, int] = {
    "jpt_utama": 5, "jpt_madya": 5, "jpt_pratama": 4,
    "administrator": 3, "pengawas": 2, "pelaksana": 1,
    "ahli_pertama": 2, "ahli_muda": 2, "ahli_madya": 3, "ahli_utama": 4,
    "terampil_pemula": 1, "terampil": 1, "terampil_mahir": 2, "terampil_penyelia": 2,
}

COMPETENCY_TYPES = ("teknis", "manajerial", "sosial_kultural")
LEVELS = (1, 2, 3, 4, 5)

SKP_RATINGS = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
# Ordinal value of each rating, higher is better.
SKP_RATING_SCORE: dict[str, int] = {
    "Sangat Baik": 5, "Baik": 4, "Butuh Perbaikan": 3, "Kurang": 2, "Sangat Kurang": 1,
}

FORMS = ("klasikal", "non_klasikal")
DELIVERIES: dict[str, str] = {
    # delivery kind -> form (Peraturan LAN 10/2018)
    "pelatihan": "klasikal",
    "workshop": "klasikal",
    "seminar": "klasikal",
    "kursus": "klasikal",
    "e_learning": "non_klasikal",
    "coaching": "non_klasikal",
    "mentoring": "non_klasikal",
    "distance_learning": "non_klasikal",
    "magang": "non_klasikal",
    "self_study": "non_klasikal",
    "community_of_practice": "non_klasikal",
    "benchmarking": "non_klasikal",
}
PROGRAM_CATEGORIES = ("latsar", "kepemimpinan", "manajerial", "teknis", "digital", "sosial_kultural")

ENROLLMENT_STATUSES = ("nominated", "registered", "attended", "completed", "dropped", "no_show")
ENROLLMENT_SOURCES = ("self", "nominated", "recommended", "lms")

# SKP 2022 (PermenPANRB 6/2022): work results and work behaviour are each rated against the
# expectation; their combination (the quadrant) gives the predikat.
SKP_EXPECTATIONS = ("Di Atas Ekspektasi", "Sesuai Ekspektasi", "Di Bawah Ekspektasi")
# Ordinal value of each expectation rating, higher is better.
SKP_EXPECTATION_SCORE: dict[str, int] = {
    "Di Atas Ekspektasi": 3, "Sesuai Ekspektasi": 2, "Di Bawah Ekspektasi": 1,
}

# The quadrant (kuadran kinerja) of a (work result, behaviour) pair and the predikat it gives, as
# read from PermenPANRB 6/2022. The numbering is this product's: 1 = both above expectation, then
# row by row (work result above, as expected, below) and within a row behaviour above, as
# expected, below; exports that number quadrants otherwise are mapped by their two ratings.
_ABOVE, _AS, _BELOW = SKP_EXPECTATIONS
SKP_QUADRANTS: dict[tuple[str, str], tuple[int, str]] = {
    (_ABOVE, _ABOVE): (1, "Sangat Baik"), (_ABOVE, _AS): (2, "Baik"),
    (_ABOVE, _BELOW): (3, "Kurang"), (_AS, _ABOVE): (4, "Baik"), (_AS, _AS): (5, "Baik"),
    (_AS, _BELOW): (6, "Kurang"), (_BELOW, _ABOVE): (7, "Butuh Perbaikan"),
    (_BELOW, _AS): (8, "Butuh Perbaikan"), (_BELOW, _BELOW): (9, "Sangat Kurang"),
}

# Training taken outside the catalogue (SIASN riwayat kursus / riwayat diklat, other providers).
TRAINING_RECORD_KINDS = (
    "kursus", "diklat_struktural", "diklat_fungsional", "diklat_teknis", "seminar", "workshop",
    "e_learning", "lainnya",
)
TRAINING_RECORD_SOURCES = ("siasn_kursus", "siasn_diklat", "lms", "manual")
# How a training record came to name a catalogue program: "auto" (the matcher was sure),
# "confirmed" (HR, or the file, said so), "rejected" (HR said it is not that program),
# "unmatched" (no clear match).
TRAINING_MATCH_STATUSES = ("auto", "confirmed", "rejected", "unmatched")
DECISIONS = ("accepted", "rejected")
# Why HR rejected a suggestion (the short fixed list; a free-text note goes beside it). The
# first two say the program does not fit the person, so the next training learns a negative
# from them; the others say nothing about fit (see ``model.decision_labels``).
REJECT_REASONS = ("not_relevant", "already_competent", "already_planned", "scheduling", "budget",
                  "other")

UNIT_SECTORS = (
    "general_administration", "health", "education", "population_administration",
    "public_works", "finance", "social", "economy", "environment", "security",
    "communication", "regional_office",
)

# Yearly competency-development duty in JP (PP 17/2020 art. 203(4)); PPPK at most 24 JP
# per contract year (Peraturan LAN 15/2020). Defaults, overridable in configuration.
DEFAULT_JP_DUTY = 20
DEFAULT_PPPK_JP_CAP = 24


def grade_rank(grade: str) -> int:
    """Rank of a PNS or PPPK grade, comparable within its own scale; -1 when unknown."""
    if grade in PNS_GRADES:
        return PNS_GRADES.index(grade)
    if grade in PPPK_GRADES:
        return PPPK_GRADES.index(grade)
    return -1


def job_family(job_kind: str) -> str:
    """Coarse family of a job kind: jpt, administrator, pengawas, pelaksana or fungsional."""
    if job_kind.startswith("jpt"):
        return "jpt"
    if job_kind.startswith(("ahli", "terampil")):
        return "fungsional"
    return job_kind
