"""Reading CSV and XLSX files into frames of text, within size and row limits.

Every cell comes back as text ('' for empty); the frame's index is the row number the user sees
in the file (header = row 1). Anything that stops a file from being read raises
:class:`FileRejected` with a message naming what is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from service.ingest.headers import header_key

SUFFIXES = (".csv", ".xlsx")
MAX_COLUMNS = 200
# XLSX is a zip: deflated sheet XML shrinks 5-30x, a zip bomb 1000x. Members are checked by their
# declared size (zipfile never inflates past it) before any XML is parsed.
MAX_XLSX_RATIO = 100
RATIO_CHECKED_FROM = 10 * 1024 * 1024
XLSX_UNZIPPED_FACTOR = 10
DELIMITER_SAMPLE_LINES = 20
MAX_CELL_CHARS = 32_767  # what an Excel cell can hold; longer is not a value, it is a payload


class FileRejected(Exception):
    """A file that cannot be read as a table."""

    def __init__(self, rule: str, row: int | None = None, column: str | None = None,
                 value: object = None):
        super().__init__(rule)
        self.rule, self.row, self.column, self.value = rule, row, column, value


@dataclass(frozen=True)
class Limits:
    """How much one file may hold."""

    max_bytes: int
    max_rows: int


@dataclass
class RawFile:
    """A file's cells as text, indexed by file row number."""

    frame: pd.DataFrame
    sheet: str | None = None


def read_table_file(path: Path, table: str, limits: Limits, encoding: str | None = None) -> RawFile:
    """Read a CSV or XLSX file for ``table``; raise FileRejected when it cannot be used."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRejected(f"file is {size:,} bytes, over the limit of {limits.max_bytes:,} "
                           "(ASN_IMPORT_MAX_BYTES)")
    if size == 0:
        raise FileRejected("file is empty")
    if path.suffix.lower() == ".xlsx":
        raw = _read_xlsx(path, table, limits)
    else:
        raw = RawFile(_read_csv(path, limits, encoding))
    frame = raw.frame
    blank = (frame == "").all(axis=1)
    raw.frame = frame[~blank]
    if raw.frame.empty:
        raise FileRejected("file has a header but no data rows")
    return raw


def decode_text(data: bytes, encoding: str | None) -> str:
    """A file's bytes as text: UTF-8 (BOM or not) or ``encoding``; FileRejected otherwise."""
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise FileRejected(f"cannot decode the file as {encoding}: {exc}") from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4096]:
        raise FileRejected("file looks like UTF-16 (Excel's 'Unicode Text'); save it as "
                           "'CSV UTF-8' or pass --encoding utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileRejected(
            f"file is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); save it as "
            "'CSV UTF-8' or pass --encoding cp1252 if it comes from Excel on Windows",
            row=line,
        ) from None


def _fields(line: str, delimiter: str) -> int:
    """How many fields ``line`` splits into."""
    return len(next(csv.reader([line], delimiter=delimiter), []))


def detect_delimiter(text: str) -> str:
    """The separator of a CSV text: ``,``, ``;`` (Excel in an Indonesian locale) or tab.

    Separators inside quoted header cells do not count, and one that splits the first data
    lines into as many fields as the header wins over one that does not (decimal commas in a
    ``;`` file, ``87,5``, are unquoted, so ``,`` rarely splits its rows evenly); then one that
    leaves no stray quote in a header cell; then the one giving the most columns.
    """
    lines = [line for line in text[:65_536].splitlines()[:DELIMITER_SAMPLE_LINES + 1] if line]
    header, rows = lines[0] if lines else "", lines[1:]

    def score(delimiter: str) -> tuple[bool, bool, int]:
        cells = next(csv.reader([header], delimiter=delimiter), [])
        even = len(cells) > 1 and all(_fields(r, delimiter) == len(cells) for r in rows)
        return even, not any('"' in c for c in cells), len(cells)
    return max((",", ";", "\t"), key=score)


def _read_csv(path: Path, limits: Limits, encoding: str | None) -> pd.DataFrame:
    text = decode_text(path.read_bytes(), encoding)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise FileRejected("file is empty" if not text.strip() else "the first line (header) is blank",
                           row=1)
    delimiter = detect_delimiter(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, header=None,
            skip_blank_lines=False, nrows=limits.max_rows + 2, quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.ParserError as exc:
        raise FileRejected(f"not a well-formed CSV file: {exc}") from None
    except pd.errors.EmptyDataError:
        raise FileRejected("file is empty") from None
    frame = frame.fillna("")
    header = [str(h).strip() for h in frame.iloc[0]]
    frame = pd.DataFrame(frame.iloc[1:].to_numpy(), columns=header,
                         index=range(2, len(frame) + 1), dtype=str)
    _check_shape(frame, limits)
    return frame


def _check_shape(frame: pd.DataFrame, limits: Limits) -> None:
    if len(frame) > limits.max_rows:
        raise FileRejected(f"file has more than {limits.max_rows:,} data rows "
                           "(ASN_IMPORT_MAX_ROWS); split it into several files")
    if len(frame.columns) > MAX_COLUMNS:
        raise FileRejected(f"file has {len(frame.columns)} columns, more than {MAX_COLUMNS}")
    headers = list(frame.columns)
    if "" in headers:
        raise FileRejected(f"header cell of column {headers.index('') + 1} is empty", row=1)
    twice = sorted({h for h in headers if headers.count(h) > 1})
    if twice:
        raise FileRejected("the header repeats a column name", row=1, column=twice[0])
    for column in frame.columns:
        lengths = frame[column].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            raise FileRejected(f"cell holds {int(lengths.max()):,} characters, more than "
                               f"{MAX_CELL_CHARS:,}", row=int(lengths.idxmax()), column=column)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_zip(path: Path, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise FileRejected("not a readable XLSX workbook (not a zip archive)") from None
    total, cap = sum(m.file_size for m in members), XLSX_UNZIPPED_FACTOR * limits.max_bytes
    if total > cap:
        raise FileRejected(f"workbook would uncompress to {total:,} bytes, over {cap:,} "
                           f"({XLSX_UNZIPPED_FACTOR} x ASN_IMPORT_MAX_BYTES)")
    for m in members:
        if m.file_size > RATIO_CHECKED_FROM and m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1):
            raise FileRejected(f"workbook part {m.filename} would uncompress {m.compress_size:,} "
                               f"bytes into {m.file_size:,} (a zip bomb?); save the sheet again")


def _read_xlsx(path: Path, table: str, limits: Limits) -> RawFile:
    from openpyxl import load_workbook  # heavy; only needed for XLSX

    _check_zip(path, limits)
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        kind, cause = type(exc).__name__, type(exc.__cause__ or exc).__name__
        if cause in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden"):
            kind += ": its XML declares entities, refused as a possible XML bomb"
        raise FileRejected(f"not a readable XLSX workbook ({kind})") from None
    try:
        names = book.sheetnames
        wanted = [n for n in names if header_key(n) == header_key(table)]
        if wanted:
            sheet = wanted[0]
        elif len(names) == 1:
            sheet = names[0]
        else:
            raise FileRejected(f"workbook has several sheets ({', '.join(names)}) and none is "
                               f"named {table}; rename the sheet to use or keep only one")
        rows: list[list[str]] = []
        for number, row in enumerate(book[sheet].iter_rows(max_col=MAX_COLUMNS + 1), start=1):
            if number > limits.max_rows + 1:
                raise FileRejected(f"sheet {sheet} has more than {limits.max_rows:,} data rows "
                                   "(ASN_IMPORT_MAX_ROWS); split it into several files")
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise FileRejected(
                        "cell holds a formula; paste the values instead (Paste Special > Values)",
                        row=number, column=getattr(cell, "coordinate", None), value=cell.value)
            rows.append([_cell_text(getattr(cell, "value", None)) for cell in row])
    finally:
        book.close()
    if not rows or not any(rows[0]):
        raise FileRejected(f"sheet {sheet} is empty" if not rows else
                           "the first row (header) is blank", row=None if not rows else 1)
    width = max(i + 1 for i, h in enumerate(rows[0]) if h) if any(rows[0]) else 0
    header = rows[0][:width]
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    frame = pd.DataFrame(body, columns=header, index=range(2, len(body) + 2), dtype=str)
    _check_shape(frame, limits)
    return RawFile(frame, sheet)
