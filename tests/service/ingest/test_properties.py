"""Properties of the readers, the validation and the importer, on generated input (hypothesis).

Whatever the bytes, text or cells, the importer answers with its own errors (``FileRejected``
from the readers, problems in the report) and never with a crash; a valid table survives
writing and reading as CSV and XLSX unchanged; one corrupted cell of a valid file is reported
at its file, row and column, and the database is left as it was.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from model.tables import TABLES
from service.ingest.importer import import_paths
from service.ingest.readers import FileRejected, Limits, read_table_file

LIMITS = Limits(max_bytes=1024 * 1024, max_rows=500)
# Fixtures are read only (or the test proves the database unchanged) across examples.
FAST = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
IMPORTS = settings(FAST, max_examples=12)  # each example is a whole import and a fingerprint
HEADER_NAME = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
# Cells as people type them: any printable text, with the characters that matter to CSV.
CELL = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(',;"\n\t'),
               max_size=20)
INVALID = "zz9-not-valid"


def _scratch() -> Path:
    return Path(tempfile.mkdtemp(prefix="asn-prop-"))


def _read(data: bytes, suffix: str, table: str = "employees"):
    folder = _scratch()
    try:
        path = folder / f"{table}{suffix}"
        path.write_bytes(data)
        return read_table_file(path, table, LIMITS)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@FAST
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_arbitrary_bytes_are_read_or_rejected_clearly(data, suffix):
    try:
        raw = _read(data, suffix)
    except FileRejected as exc:
        assert exc.rule.strip()
        return
    assert not raw.frame.empty and all(isinstance(c, str) for c in raw.frame.columns)


@FAST
@given(text=st.text(max_size=500))
def test_arbitrary_text_is_read_or_rejected_clearly(text):
    try:
        raw = _read(text.encode("utf-8"), ".csv")
    except FileRejected as exc:
        assert exc.rule.strip()
        return
    assert raw.frame.map(lambda v: isinstance(v, str)).all().all()


@st.composite
def tables(draw) -> pd.DataFrame:
    """A table of text cells with unique headers and no blank row."""
    headers = draw(st.lists(HEADER_NAME, min_size=1, max_size=5, unique=True))
    rows = draw(st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)),
                         min_size=1, max_size=8))
    rows = [r if any(v.strip() for v in r) else ["x", *r[1:]] for r in rows]
    return pd.DataFrame(rows, columns=headers, index=range(2, len(rows) + 2), dtype=str)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows(frame.itertuples(index=False))
    return out.getvalue().encode("utf-8")


def _xlsx_bytes(frame: pd.DataFrame, sheet: str = "employees") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        cells = ws.max_row + 1
        for col, value in enumerate(row, start=1):
            # Written as text, as Excel keeps a cell typed as text (never a formula).
            cell = ws.cell(row=cells, column=col, value=value or None)
            cell.data_type = "s" if value else cell.data_type
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@FAST
@given(frame=tables())
def test_a_table_round_trips_through_csv(frame):
    raw = _read(_csv_bytes(frame), ".csv")
    pd.testing.assert_frame_equal(raw.frame, frame, check_index_type=False)


@FAST
@given(frame=tables())
def test_a_table_round_trips_through_xlsx(frame):
    # A spreadsheet cell keeps no surrounding blanks once read (the reader strips them).
    expected = frame.map(str.strip)
    expected = expected[(expected != "").any(axis=1)]
    raw = _read(_xlsx_bytes(frame), ".xlsx")
    pd.testing.assert_frame_equal(raw.frame, expected, check_index_type=False)


@IMPORTS
@given(table=st.sampled_from(["employees", "programs", "offerings", "units"]),
       cells=st.lists(CELL, min_size=1, max_size=40))
def test_random_cells_give_a_report_never_a_crash(db_engine, sample_dir, fingerprint, table,
                                                   cells):
    before = fingerprint(db_engine)
    folder = _scratch()
    try:
        header = (sample_dir / f"{table}.csv").read_text().splitlines()[0].split(",")
        rows = [cells[i:i + len(header)] for i in range(0, len(cells), len(header))]
        rows[-1] += [""] * (len(header) - len(rows[-1]))
        frame = pd.DataFrame(rows, columns=header)
        path = folder / f"{table}.csv"
        path.write_bytes(_csv_bytes(frame))
        report = import_paths([path], db_engine, limits=LIMITS)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert all(p.file == str(path) and p.rule for p in report.problems)
    if not report.ok:
        assert not report.written and fingerprint(db_engine) == before


def _checked_cells() -> list[tuple[str, str]]:
    """(table, column) pairs whose value has a rule that ``INVALID`` breaks."""
    out = []
    for table in ("employees", "programs", "offerings", "enrollments", "performance_reviews",
                  "competency_assessments"):
        for col in TABLES[table].columns:
            if col.kind in ("date", "int", "float", "bool") or col.choices:
                out.append((table, col.name))
    return out


@IMPORTS
@given(target=st.sampled_from(_checked_cells()), pick=st.integers(0, 10_000),
       fmt=st.sampled_from([".csv", ".xlsx"]))
def test_one_corrupted_cell_is_reported_where_it_is(db_engine, sample_dir, fingerprint, target,
                                                    pick, fmt):
    table, column = target
    folder = _scratch()
    try:
        for source in sample_dir.iterdir():
            shutil.copy(source, folder / source.name)
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
        row = pick % len(frame)
        if column not in frame.columns:  # an optional column the sample file leaves out
            frame[column] = ""
        frame.loc[row, column] = INVALID
        (folder / f"{table}.csv").unlink()
        path = folder / f"{table}{fmt}"
        frame.index = range(2, len(frame) + 2)
        path.write_bytes(_csv_bytes(frame) if fmt == ".csv" else _xlsx_bytes(frame, table))
        before = fingerprint(db_engine)
        report = import_paths([folder], db_engine, limits=LIMITS)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert not report.ok and not report.written
    where = {(Path(p.file).name, p.row, p.column) for p in report.problems}
    assert (path.name, row + 2, column) in where, report.problems
    assert all(Path(p.file).name == path.name and p.row == row + 2 for p in report.problems), \
        report.problems
    assert fingerprint(db_engine) == before
