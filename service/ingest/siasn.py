"""The ``siasn`` import profile: SIASN's exports read as they are.

Four exports are recognised by their headers, whatever their file names:

- *Export Data ASN* (``nip_baru``, ``nama``, ``gol_akhir_nama``, ``jenis_jabatan_nama``,
  ``jabatan_nama``, ``unor_nama``, ...) -> ``employees`` (and ``units`` for unit names the
  database does not hold yet);
- *riwayat kursus* (``namaKursus``, ``jenisKursusNama``, ``jumlahJam``, ...) and *riwayat
  diklat* (``latihanStrukturalNama``, ``nomor``, ``tanggal``, ...) -> ``training_records``;
- *SKP 2022* (``tahun``, ``hasilKinerja``, ``perilakuKerja``, ``kuadranKinerja``) ->
  ``performance_reviews``.

Headers match with case, spacing and punctuation ignored, so ``gol_akhir_nama``,
``GOL AKHIR NAMA`` and ``golAkhirNama`` are one header. Where a field has several known
spellings the first one a file holds (in the order below) is used. A file that is none of the
four but is named after a canonical table (``programs.csv``) is read as a canonical file, so one
batch can hold SIASN's exports and the files SIASN does not have (catalogue, offerings, ...).

Every value word rewritten (``S-1/Sarjana`` -> ``S1``) is listed in the report's mappings with
its count; a word no reader knows is a problem naming the file, row, column and value.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from model import glossary as g
from model.tables import TABLES
from service.ingest import siasn_values as words
from service.ingest.headers import header_key, table_for_stem
from service.ingest.importer import Batch, ParsedFile, Progress, list_files, read_beside
from service.ingest.readers import FileRejected, Limits, read_table_file
from service.ingest.report import FileSummary, ImportReport, Mapping
from service.ingest.values import normalise_frame
from service.storage.schema import CANONICAL

_ID = ("nip_baru", "nipBaru", "nip")
_JP = ("jumlahJam", "jumlah_jam", "jam_pelajaran", "jp")
_PROVIDER = ("institusiPenyelenggara", "institusi_penyelenggara", "penyelenggara")
_JOIN = " | "  # joins two cells read together (status_cpns_pns | jenis_pegawai_nama)


@dataclass(frozen=True)
class Export:
    """One SIASN export: the table it fills, the headers that give it away, its fields.

    ``fields`` maps a canonical column, or a ``_word`` the profile reads into one, to its known
    header spellings in order of preference.
    """

    name: str
    table: str
    markers: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]


EXPORTS = (
    Export("Export Data ASN", "employees",
           ("gol_akhir_nama", "golongan_akhir_nama", "unor_nama", "unor_induk_nama",
            "jenis_jabatan_nama", "jabatan_nama", "tingkat_pendidikan_nama", "status_cpns_pns",
            "kedudukan_hukum_nama", "kedudukan_pns_nama", "eselon_nama"),
           {"employee_id": _ID, "name": ("nama",), "birth_date": ("tanggal_lahir", "tgl_lahir"),
            "sex": ("jenis_kelamin",),
            "grade": ("gol_akhir_nama", "golongan_akhir_nama", "gol_akhir"),
            "position": ("jabatan_nama", "nama_jabatan"),
            "appointment_date": ("tmt_cpns", "tmt_pppk"),
            "_jenis_jabatan": ("jenis_jabatan_nama", "jenis_jabatan"),
            "_eselon": ("eselon_nama", "eselon"),
            "_unor": ("unor_induk_nama", "unor_nama", "unit_organisasi"),
            "_education": ("tingkat_pendidikan_nama", "tingkat_pendidikan"),
            "_status": ("status_cpns_pns",), "_jenis_pegawai": ("jenis_pegawai_nama",),
            "_kedudukan": ("kedudukan_hukum_nama", "kedudukan_pns_nama")}),
    Export("riwayat kursus", "training_records",
           ("namaKursus", "nama_kursus", "jenisKursusNama", "jenis_kursus_nama", "noSertipikat",
            "tahunKursus", "tanggalKursus"),
           {"employee_id": _ID, "title": ("namaKursus", "nama_kursus"),
            "_kind": ("jenisKursusNama", "jenis_kursus_nama", "jenisKursus", "jenis_kursus"),
            "jp": _JP,
            "start_date": ("tanggalKursus", "tanggal_kursus", "tanggal_mulai"),
            "end_date": ("tanggalSelesaiKursus", "tanggal_selesai_kursus", "tanggalAkhirKursus",
                         "tanggalSelesai", "tanggal_selesai"),
            "provider": _PROVIDER,
            "certificate_number": ("noSertipikat", "no_sertipikat", "noSertifikat",
                                   "nomor_sertifikat"),
            "_year": ("tahunKursus", "tahun_kursus", "tahun")}),
    Export("riwayat diklat", "training_records",
           ("latihanStrukturalNama", "latihan_struktural_nama", "diklat_struktural_nama"),
           {"employee_id": _ID,
            "title": ("latihanStrukturalNama", "latihan_struktural_nama",
                      "diklat_struktural_nama", "nama_diklat"),
            "certificate_number": ("nomor", "nomor_sttpp", "no_sttpp"),
            "start_date": ("tanggal_mulai", "tanggalMulai", "tanggal"),
            "end_date": ("tanggalSelesai", "tanggal_selesai"), "jp": _JP, "provider": _PROVIDER,
            "_year": ("tahun",)}),
    Export("SKP", "performance_reviews",
           ("hasilKinerja", "hasil_kinerja", "perilakuKerja", "perilaku_kerja", "kuadranKinerja",
            "kuadran_kinerja"),
           {"employee_id": _ID, "period": ("tahun", "periode"),
            "_work_result": ("hasilKinerja", "hasil_kinerja", "rating_hasil_kerja"),
            "_behaviour": ("perilakuKerja", "perilaku_kerja", "rating_perilaku_kerja"),
            "_rating": ("kuadranKinerja", "kuadran_kinerja", "predikat_kinerja", "predikat"),
            "skp_score": ("nilaiSkp", "nilai_skp")}),
)


def recognise(headers: Iterable[str]) -> list[Export]:
    """The exports whose marker headers the file has, best first (most markers)."""
    keys = {header_key(h) for h in headers}
    hits = [(sum(header_key(m) in keys for m in e.markers), i, e) for i, e in enumerate(EXPORTS)]
    found = sorted(((n, i, e) for n, i, e in hits if n), key=lambda t: (-t[0], t[1]))
    return [e for _, _, e in found]


def _pick_headers(export: Export, headers: list[str]) -> dict[str, str]:
    """field -> the file's header for it (the first known spelling present)."""
    by_key: dict[str, str] = {}
    for h in headers:
        by_key.setdefault(header_key(h), h)
    out: dict[str, str] = {}
    for name, spellings in export.fields.items():
        for spelling in spellings:
            if header_key(spelling) in by_key:
                out[name] = by_key[header_key(spelling)]
                break
    return out


class _Reading:
    """One SIASN file being turned into canonical columns, with its mappings and problems."""

    def __init__(self, label: str, frame: pd.DataFrame, headers: dict[str, str],
                 report: ImportReport):
        self.label, self.raw, self.headers, self.report = label, frame, headers, report
        self.out = pd.DataFrame(index=frame.index)
        self.columns: dict[str, str] = {}  # canonical column -> header as written

    def cell(self, name: str) -> pd.Series:
        header = self.headers.get(name)
        return self.raw[header] if header else pd.Series("", index=self.raw.index)

    def copy(self, name: str) -> None:
        if name in self.headers:
            self.out[name] = self.raw[self.headers[name]]
            self.columns[name] = self.headers[name]

    def mapped(self, column: str, source: pd.Series, read: Callable[[str], str | None],
               header: str, expected: str) -> None:
        """``column`` from ``source`` through ``read``; unknown words reported per row."""
        values = {v: read(v) for v in source.unique() if v != ""}
        self.out[column] = source.map(lambda v: values.get(v) or "" if v else "")
        self.columns[column] = header
        self.note(header, source, values)
        for v, got in values.items():
            if got is None:
                for row in source.index[source == v]:
                    self.report.add(self.label, f"value not recognised; expected {expected}",
                                    int(row), header, v)

    def note(self, header: str, source: pd.Series, values: dict[str, str | None]) -> None:
        """Add a mapping per rewritten value, with how many rows carried it."""
        counts = Counter(source)
        for v, got in values.items():
            if got is not None and got != v:
                self.report.mappings.append(Mapping(self.label, header, v, got, counts[v]))

    def parsed(self, table: str, ignored: list[str]) -> ParsedFile:
        spec = TABLES[table]
        frame = self.out[[c for c in spec.names if c in self.out.columns]]
        summary = FileSummary(self.label, table, len(frame), None, ignored)
        return ParsedFile(self.label, table, normalise_frame(frame, spec), self.columns, summary)


def _employees(r: _Reading) -> None:
    for name in ("employee_id", "name", "birth_date", "sex", "grade", "position",
                 "appointment_date"):
        r.copy(name)
    if "_unor" in r.headers:
        r.out["unit"] = r.cell("_unor")
        r.columns["unit"] = r.headers["_unor"]
    if "_education" in r.headers:
        r.mapped("education", r.cell("_education"), words.education, r.headers["_education"],
                 "a level such as S-1/Sarjana, Diploma III, SLTA")
    if "_status" in r.headers or "_jenis_pegawai" in r.headers:
        status, jenis = r.cell("_status"), r.cell("_jenis_pegawai")
        pairs = (status + _JOIN + jenis).where((status != "") | (jenis != ""), "")
        header = " + ".join(r.headers[k] for k in ("_status", "_jenis_pegawai") if k in r.headers)
        r.mapped("employment_type", pairs, lambda v: words.employment_type(*v.split(_JOIN, 1)),
                 header, "P (PNS) or C (CPNS), or a jenis pegawai naming PPPK")
    if "_kedudukan" in r.headers:
        r.mapped("active", r.cell("_kedudukan"), words.active, r.headers["_kedudukan"],
                 "Aktif, or a leave/retirement word (Pensiun, CLTN, Tugas Belajar, ...)")
    if "_jenis_jabatan" in r.headers or "_eselon" in r.headers:
        _job_kinds(r)


def _job_kinds(r: _Reading) -> None:
    jenis, eselon, position = r.cell("_jenis_jabatan"), r.cell("_eselon"), r.cell("position")
    header = " + ".join(r.headers[k] for k in ("_jenis_jabatan", "_eselon", "position")
                        if k in r.headers)
    given = (jenis != "") | ~eselon.map(words.no_eselon)
    kinds = [words.job_kind(j, e, p) if ok else "" for j, e, p, ok
             in zip(jenis, eselon, position, given)]
    r.out["job_kind"] = [k or "" for k in kinds]
    r.columns["job_kind"] = header
    # One mapping per (jenis jabatan, eselon or level words) rather than one per position title.
    shown = Counter()
    for j, e, k in zip(jenis, eselon, kinds):
        if k:
            detail = e if not words.no_eselon(e) else (
                "… " + words.LEVEL_SHOWN[k] if k in words.LEVEL_SHOWN else "")
            shown[(j + _JOIN + detail if detail else j, k)] += 1
    for (source, kind), n in sorted(shown.items()):
        r.report.mappings.append(Mapping(r.label, header, source, kind, n))
    for row, j, e, p, k in zip(r.raw.index, jenis, eselon, position, kinds):
        if k is None:
            r.report.add(r.label, "cannot tell the job kind: a structural post needs an eselon "
                         "(e.g. III.a), a functional one its level in the position name (Ahli "
                         "Muda, Terampil, ...)", int(row), header,
                         _JOIN.join(x for x in (j, e, p) if x))


def _training(r: _Reading, export: Export) -> None:
    for name in ("employee_id", "title", "jp", "provider", "certificate_number", "end_date"):
        r.copy(name)
    start = r.cell("start_date")
    r.columns["start_date"] = r.headers.get("start_date") or r.headers.get("_year", "start_date")
    end, year = r.cell("end_date"), r.cell("_year")
    filled = start.where(start != "", end)
    from_year = (filled == "") & year.str.fullmatch(r"\d{4}")
    filled = filled.where(~from_year, year + "-01-01")
    r.out["start_date"] = filled
    if (n := int(((start == "") & (end != "")).sum())):
        r.report.mappings.append(Mapping(r.label, r.columns["start_date"], "(no start date)",
                                         "start_date = end date", n))
    if (n := int(from_year.sum())):
        r.report.mappings.append(Mapping(r.label, r.headers["_year"], "(no date, only the year)",
                                         "start_date = 1 January of that year", n))
    if export.name == "riwayat diklat":
        r.out["kind"], r.out["source"] = "diklat_struktural", "siasn_diklat"
    else:
        r.out["source"] = "siasn_kursus"
        if "_kind" in r.headers:
            kinds = r.cell("_kind")
            values = {v: words.course_kind(v) for v in kinds.unique() if v != ""}
            r.out["kind"] = kinds.map(lambda v: values.get(v, ""))
            r.columns["kind"] = r.headers["_kind"]
            r.note(r.headers["_kind"], kinds, values)


def _reviews(r: _Reading) -> None:
    for name in ("employee_id", "period", "skp_score"):
        r.copy(name)
    expected = "Di Atas / Sesuai / Di Bawah Ekspektasi"
    if "_work_result" in r.headers:
        r.mapped("work_result_rating", r.cell("_work_result"), words.expectation,
                 r.headers["_work_result"], expected)
    if "_behaviour" in r.headers:
        r.mapped("behaviour_rating", r.cell("_behaviour"), words.expectation,
                 r.headers["_behaviour"], expected)
    if "_rating" in r.headers:
        r.mapped("skp_rating", r.cell("_rating"), words.rating, r.headers["_rating"],
                 ", ".join(g.SKP_RATINGS))
    if {"work_result_rating", "behaviour_rating"} <= set(r.out.columns):
        pairs = list(zip(r.out["work_result_rating"], r.out["behaviour_rating"]))
        found = [g.SKP_QUADRANTS.get(p) for p in pairs]
        r.out["quadrant"] = [str(q[0]) if q else "" for q in found]
        r.columns["quadrant"] = f"{r.headers['_work_result']} + {r.headers['_behaviour']}"
        derived = pd.Series([q[1] if q else "" for q in found], index=r.out.index)
        if "skp_rating" in r.out.columns:
            r.out["skp_rating"] = r.out["skp_rating"].where(r.out["skp_rating"] != "", derived)
        else:
            r.out["skp_rating"] = derived
            r.columns["skp_rating"] = r.columns["quadrant"]


def _new_units(conn: sa.Connection, parsed: list[ParsedFile], report: ImportReport) -> None:
    """A units file for the unit names of Export Data ASN that no table holds yet."""
    known = {u for (u,) in conn.execute(sa.select(CANONICAL["units"].c.unit))}
    for p in parsed:
        if p.table == "units" and "unit" in p.frame.columns:
            known |= set(p.frame["unit"])
    for p in [p for p in parsed if p.table == "employees" and "unit" in p.frame.columns]:
        units = p.frame["unit"]
        fresh = units[(units != "") & ~units.isin(known)].drop_duplicates()
        if fresh.empty:
            continue
        known |= set(fresh)
        label = f"{p.label} (units from {p.headers['unit']})"
        frame = pd.DataFrame({"unit": fresh.to_numpy()}, index=fresh.index)
        parsed.append(ParsedFile(label, "units", frame, {"unit": p.headers["unit"]},
                                 FileSummary(label, "units", len(frame))))
        report.mappings.append(Mapping(p.label, p.headers["unit"], "(unit names not yet known)",
                                       "new units", len(frame)))


def read_siasn(paths: Iterable[str | Path], conn: sa.Connection, limits: Limits,
               encoding: str | None, report: ImportReport,
               notify: Progress | None = None) -> Batch:
    """The SIASN profile (see the module doc); canonical files named after a table also pass."""
    batch = Batch()
    files = list_files(paths, report)
    siasn_files: list[ParsedFile] = []
    for i, file in enumerate(files):
        if notify:
            notify("reading", i, len(files))
        label = str(file)
        try:
            raw = read_table_file(file, "siasn", limits, encoding)
        except FileRejected as exc:
            report.add(label, exc.rule, exc.row, exc.column, exc.value)
            batch.rejected.add(table_for_stem(file.stem) or "employees")
            continue
        headers = list(raw.frame.columns)
        found = recognise(headers)
        if not found:
            read_beside(file, batch, limits, encoding, report, "a SIASN export this profile "
                        "knows (Export Data ASN, riwayat kursus, riwayat diklat, SKP)")
            continue
        export = found[0]
        picked = _pick_headers(export, headers)
        if "employee_id" not in picked:
            report.add(label, f"{export.name}: no NIP column (nip_baru, nipBaru or nip)", 1)
            batch.rejected.add(export.table)
            continue
        r = _Reading(label, raw.frame, picked, report)
        if export.table == "employees":
            _employees(r)
        elif export.table == "training_records":
            _training(r, export)
        else:
            _reviews(r)
        used = set(picked.values())
        p = r.parsed(export.table, [h for h in headers if h not in used])
        p.summary.sheet = raw.sheet
        siasn_files.append(p)
    batch.parsed.extend(siasn_files)
    _new_units(conn, batch.parsed, report)
    return batch

