"""Hostile files: XML and zip bombs, huge CSV, wrong encodings, formulas.

Each is refused with a message naming the file, in bounded memory, and the database is left
exactly as it was.
"""

from __future__ import annotations

import io
import resource
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from service.ingest.importer import import_paths
from service.ingest.readers import Limits

MB = 1024 * 1024
# Generous bounds: reading these small files legitimately needs a few MB.
MAX_TRACED_PEAK = 64 * MB
MAX_RSS_GROWTH = 256 * MB
HEADER = ["employee_id", "name", "sex", "birth_date", "employment_type", "grade", "job_kind",
          "position", "unit", "education", "appointment_date", "digital_access", "active"]
ROW = ["197001012000011001", "Hostile Row", "M", "1970-01-01", "PNS", "III/a", "pelaksana",
       "Staf", "BKPSDM", "S1", "2000-01-01", "good", "true"]
SMALL = Limits(max_bytes=1 * MB, max_rows=1_000)


@pytest.fixture
def loaded(db_engine, sample_dir, fingerprint):
    """The sample data imported, and ``unchanged()``: whether the database is as it was."""
    assert import_paths([sample_dir], db_engine).ok
    before = fingerprint(db_engine)
    return db_engine, lambda: fingerprint(db_engine) == before


def _refused(engine, path: Path, limits: Limits | None = None) -> tuple[str, dict]:
    """Import ``path``; return the single problem's rule and the memory it took."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        report = import_paths([path], engine, limits=limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before
    assert not report.ok and not report.written
    files = {p.file for p in report.problems}
    assert files == {str(path)}, report.problems  # the message names the file
    memory = {"traced_peak_mb": peak / MB, "rss_growth_mb": rss_growth / MB}
    print(f"{path.name}: {memory}")  # the figures quoted in docs/reliability.md (pytest -s)
    assert peak < MAX_TRACED_PEAK, memory
    assert rss_growth < MAX_RSS_GROWTH, memory
    return " | ".join(p.rule for p in report.problems), memory


def _xlsx_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "employees"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(source: bytes, target: Path, members: dict) -> Path:
    """Copy an XLSX, replacing or adding each member ``name`` by what ``write(stream)`` writes."""
    with zipfile.ZipFile(io.BytesIO(source)) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            if info.filename not in members:
                dst.writestr(info, src.read(info.filename))
        for name, write in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(info, "w", force_zip64=True) as stream:
                write(stream)
    return target


def test_billion_laughs_in_shared_strings(loaded, tmp_path):
    engine, unchanged = loaded
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)]
    bomb = ('<?xml version="1.0"?><!DOCTYPE sst [' + "".join(entities) + ']>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            'uniqueCount="1"><si><t>&lol9;</t></si></sst>').encode()
    source = _xlsx_bytes([HEADER, ROW])
    with zipfile.ZipFile(io.BytesIO(source)) as src:
        types = src.read("[Content_Types].xml").replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
            b'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    path = _rewrite(source, tmp_path / "employees.xlsx",
                    {"xl/sharedStrings.xml": lambda s: s.write(bomb),
                     "[Content_Types].xml": lambda s: s.write(types)})
    rule, _ = _refused(engine, path)
    assert "XLSX" in rule and "entities" in rule
    assert unchanged()


def test_zip_bomb_sheet_is_refused_before_it_is_inflated(loaded, tmp_path):
    engine, unchanged = loaded
    chunk = b"A" * MB

    def huge_sheet(stream) -> None:
        stream.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                     b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
                     b'<c r="A1" t="inlineStr"><is><t>employee_id</t></is></c></row><row r="2">'
                     b'<c r="A2" t="inlineStr"><is><t>')
        for _ in range(256):  # 256 MB of text in one cell, about 0.25 MB compressed
            stream.write(chunk)
        stream.write(b"</t></is></c></row></sheetData></worksheet>")

    path = _rewrite(_xlsx_bytes([HEADER, ROW]), tmp_path / "employees.xlsx",
                    {"xl/worksheets/sheet1.xml": huge_sheet})
    assert path.stat().st_size < 2 * MB
    rule, memory = _refused(engine, path)
    assert "uncompress" in rule and "xl/worksheets/sheet1.xml" in rule
    assert memory["traced_peak_mb"] < 16
    assert unchanged()


def test_huge_csv_over_the_byte_limit(loaded, tmp_path):
    engine, unchanged = loaded
    path = tmp_path / "employees.csv"
    with path.open("w") as out:
        out.write(",".join(HEADER) + "\n")
        line = ",".join(ROW) + "\n"
        out.write(line * (5 * MB // len(line)))
    rule, memory = _refused(engine, path, SMALL)
    assert "over the limit" in rule and "ASN_IMPORT_MAX_BYTES" in rule
    assert memory["traced_peak_mb"] < 1  # refused from its size, never read
    assert unchanged()


def test_csv_over_the_row_limit(loaded, tmp_path):
    engine, unchanged = loaded
    path = tmp_path / "employees.csv"
    rows = [",".join(HEADER)] + [",".join([f"1970010120000110{i:02d}"[:18]] + ROW[1:])
                                 for i in range(5_000)]
    path.write_text("\n".join(rows) + "\n")
    assert path.stat().st_size < SMALL.max_bytes
    rule, _ = _refused(engine, path, SMALL)
    assert "more than 1,000 data rows" in rule
    assert unchanged()


def test_csv_cell_longer_than_excel_allows(loaded, tmp_path):
    engine, unchanged = loaded
    path = tmp_path / "employees.csv"
    row = ROW.copy()
    row[1] = "A" * 100_000
    path.write_text("\n".join([",".join(HEADER), ",".join(row)]) + "\n")
    rule, _ = _refused(engine, path, SMALL)
    assert "100,000 characters" in rule
    assert unchanged()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_csv_is_named_as_utf16(loaded, tmp_path, encoding):
    engine, unchanged = loaded
    path = tmp_path / "employees.csv"
    path.write_bytes(("\n".join([",".join(HEADER), ",".join(ROW)]) + "\n").encode(encoding))
    rule, _ = _refused(engine, path)
    assert "UTF-16" in rule and "--encoding" in rule
    assert unchanged()


def test_latin1_csv_without_encoding_names_the_byte_and_line(loaded, tmp_path):
    engine, unchanged = loaded
    path = tmp_path / "employees.csv"
    row = ROW.copy()
    row[1] = "José Pérez"
    path.write_bytes(("\n".join([",".join(HEADER), ",".join(row)]) + "\n").encode("latin-1"))
    rule, _ = _refused(engine, path)
    assert "not UTF-8" in rule and "0xe9" in rule and "line 2" in rule
    assert unchanged()


def test_formula_cell_in_xlsx_is_refused(loaded, tmp_path):
    engine, unchanged = loaded
    row = ROW.copy()
    row[1] = '=HYPERLINK("http://evil.example","click")'
    path = tmp_path / "employees.xlsx"
    path.write_bytes(_xlsx_bytes([HEADER, row]))
    rule, _ = _refused(engine, path)
    assert "formula" in rule
    assert unchanged()
