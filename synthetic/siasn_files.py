"""Write a synthetic world the way BKPSDM holds it: SIASN's exports plus the files SIASN lacks.

``asn-reco demo-data --format siasn`` writes Export Data ASN (people), riwayat kursus and
riwayat diklat (training outside the catalogue) and SKP 2022 (performance) with SIASN's column
names, value words and ``DD-MM-YYYY`` dates, and canonical files for the tables SIASN does not
hold (units, competencies and assessments, the catalogue, offerings, enrolments, the LMS
progress checks, and an ``employees.csv`` with only the digital access HR records beside
SIASN). Imported with ``asn-reco import --profile siasn FOLDER`` they give the same tables as
the canonical files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from synthetic.assembly import SyntheticWorld

SIASN_TABLES = ("employees", "performance_reviews", "training_records")
FILES = {"employees": "Export_Data_ASN.csv", "kursus": "riwayat_kursus.csv",
         "diklat": "riwayat_diklat.csv", "performance_reviews": "riwayat_skp22.csv"}
EDUCATION = {"SD": "SD", "SMP": "SLTP", "SMA": "SLTA", "D1": "Diploma I", "D2": "Diploma II",
             "D3": "Diploma III/Sarjana Muda", "D4": "Diploma IV", "S1": "S-1/Sarjana",
             "S2": "S-2", "S3": "S-3/Doktor"}
ESELON = {"jpt_utama": "I.a", "jpt_madya": "I.b", "jpt_pratama": "II.b",
          "administrator": "III.a", "pengawas": "IV.a"}
COURSE_KINDS = {"kursus": "Kursus", "seminar": "Seminar", "workshop": "Workshop",
                "diklat_teknis": "Diklat Teknis", "diklat_fungsional": "Diklat Fungsional",
                "e_learning": "E-Learning", "lainnya": "Lainnya", "diklat_struktural": "Lainnya"}


def _dmy(dates: pd.Series) -> pd.Series:
    """ISO dates as SIASN writes them (DD-MM-YYYY); blanks stay blank."""
    text = dates.fillna("").astype(str)
    return text.where(text == "", text.str[8:10] + "-" + text.str[5:7] + "-" + text.str[0:4])


def _jenis_jabatan(job_kind: str) -> str:
    if job_kind in ESELON:
        return "Struktural"
    return "Pelaksana" if job_kind == "pelaksana" else "Fungsional"


def data_asn(employees: pd.DataFrame) -> pd.DataFrame:
    """Export Data ASN from the canonical employees."""
    e = employees.fillna("")
    pppk = e["employment_type"] == "PPPK"
    return pd.DataFrame({
        "nip_baru": e["employee_id"], "nama": e["name"], "tanggal_lahir": _dmy(e["birth_date"]),
        "jenis_kelamin": e["sex"],
        "jenis_pegawai_nama": pppk.map({True: "PPPK", False: "PNS Daerah Kabupaten/Kota"}),
        "status_cpns_pns": e["employment_type"].map({"PNS": "P", "CPNS": "C"}).fillna(""),
        "kedudukan_hukum_nama": e["active"].map({"true": "Aktif", "false": "Pensiun"}).fillna(""),
        "tmt_cpns": _dmy(e["appointment_date"]), "gol_akhir_nama": e["grade"],
        "jenis_jabatan_nama": e["job_kind"].map(_jenis_jabatan),
        "eselon_nama": e["job_kind"].map(ESELON).fillna(""), "jabatan_nama": e["position"],
        "tingkat_pendidikan_nama": e["education"].map(EDUCATION).fillna(""),
        "unor_nama": e["unit"],
    })


def riwayat_kursus(records: pd.DataFrame) -> pd.DataFrame:
    """riwayat kursus (every training record but structural diklat), SIASN's API spellings."""
    r = records[records["source"] != "siasn_diklat"].fillna("")
    return pd.DataFrame({
        "nipBaru": r["employee_id"], "namaKursus": r["title"],
        "jenisKursusNama": r["kind"].map(COURSE_KINDS).fillna(""),
        "jumlahJam": r["jp"].astype(str), "tanggalKursus": _dmy(r["start_date"]),
        "tanggalSelesaiKursus": _dmy(r["end_date"]), "institusiPenyelenggara": r["provider"],
        "noSertipikat": r["certificate_number"], "tahunKursus": r["start_date"].str[:4],
    })


def riwayat_diklat(records: pd.DataFrame) -> pd.DataFrame:
    """riwayat diklat (structural training)."""
    r = records[records["source"] == "siasn_diklat"].fillna("")
    return pd.DataFrame({
        "nipBaru": r["employee_id"], "latihanStrukturalNama": r["title"],
        "nomor": r["certificate_number"], "tanggal": _dmy(r["start_date"]),
        "tanggalSelesai": _dmy(r["end_date"]), "jumlahJam": r["jp"].astype(str),
        "institusiPenyelenggara": r["provider"], "tahun": r["start_date"].str[:4],
    })


def riwayat_skp(reviews: pd.DataFrame) -> pd.DataFrame:
    """SKP 2022 per year, words in capitals as SIASN shows them."""
    r = reviews.fillna("")
    score = reviews["skp_score"].map(lambda v: "" if pd.isna(v) else f"{v:.2f}".replace(".", ","))
    return pd.DataFrame({
        "nipBaru": r["employee_id"], "tahun": r["period"],
        "hasilKinerja": r["work_result_rating"].str.upper(),
        "perilakuKerja": r["behaviour_rating"].str.upper(),
        "kuadranKinerja": r["skp_rating"].str.upper(), "nilaiSkp": score,
    })


def write_siasn(world: SyntheticWorld, out: str | Path) -> list[Path]:
    """Write SIASN-shaped files and the canonical files of the other tables to ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = world.tables
    frames = {FILES["employees"]: data_asn(tables["employees"]),
              FILES["performance_reviews"]: riwayat_skp(tables["performance_reviews"])}
    if "training_records" in tables:
        frames[FILES["kursus"]] = riwayat_kursus(tables["training_records"])
        frames[FILES["diklat"]] = riwayat_diklat(tables["training_records"])
    frames.update({f"{name}.csv": frame for name, frame in tables.items()
                   if name not in SIASN_TABLES})
    # What SIASN does not record, HR keeps beside it: digital access, in a canonical file that
    # adds the column to the people of Export Data ASN.
    frames["employees.csv"] = tables["employees"][["employee_id", "digital_access"]]
    written = []
    for name, frame in frames.items():
        if frame.empty and name == FILES["diklat"]:
            continue  # an empty export has no rows to import
        frame.to_csv(out / name, index=False, lineterminator="\n")
        written.append(out / name)
    return written
