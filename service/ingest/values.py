"""Value normalisation, only where the meaning is unambiguous.

Sex ``L``/``P``/``Laki-laki``/``Perempuan`` -> ``M``/``F``; dates in ISO, ``DD-MM-YYYY``,
``DD/MM/YYYY``, Excel serial numbers or with a month name (``12 Januari 2024``) -> ISO; numbers
in the Indonesian or English locale (``87,5``, ``Rp 1.500.000``, ``1,500.25``) -> ``87.5``,
``1500000``, ``1500.25``, a ``1.500``-shaped cell only when its column settles the decimal mark
(``service.ingest.locale_values``); booleans ``ya``/``tidak``/``true``/``false``/
``1``/``0`` -> ``true``/``false``; choices (job kinds, SKP ratings, grades, ...) case- and
spacing-insensitive; a grade inside a pangkat (``Penata Muda, III/a``) -> ``III/a``.
Cells that cannot be normalised are left as they are for validation to report.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from model.tables import Column, Table
from service.ingest.locale_values import decimal_mark, is_plain_int, parse_date, parse_number

SEX_WORDS = {"l": "M", "lk": "M", "laki": "M", "lakilaki": "M", "pria": "M", "m": "M",
             "male": "M", "p": "F", "pr": "F", "perempuan": "F", "wanita": "F", "f": "F",
             "female": "F"}
BOOL_WORDS = {"ya": "true", "y": "true", "yes": "true", "true": "true", "1": "true",
              "benar": "true", "tidak": "false", "t": "false", "n": "false", "no": "false",
              "false": "false", "0": "false", "salah": "false"}
EDUCATION_WORDS = {"sltp": "SMP", "slta": "SMA", "smk": "SMA", "smasmk": "SMA", "smu": "SMA",
                   "di": "D1", "dii": "D2", "diii": "D3", "div": "D4", "strata1": "S1",
                   "strata2": "S2", "strata3": "S3"}
# Excel's day 0 (serials count from 1899-12-30 because of the 1900 leap-year bug).
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIAL_RANGE = (1, 2958465)

_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][\d:.]+)?$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.0+)?$")
_GRADE = re.compile(r"\b(IV|III|II|I)\s*/\s*([a-e])\b", re.IGNORECASE)
_SPACING = re.compile(r"[\s_\-]+")


def choice_key(value: str) -> str:
    """A choice with case and spacing ignored (``Ahli Pertama`` -> ``ahli_pertama``)."""
    return _SPACING.sub("_", value.strip().lower())


def normalise_date(value: str) -> str:
    """An ISO date for a date in a known format; the value unchanged otherwise."""
    text = value.strip()
    if m := _YMD.match(text):
        y, mo, d = m.groups()
        return f"{y}-{int(mo):02d}-{int(d):02d}"
    if m := _DMY.match(text):
        d, mo, y = m.groups()
        return f"{y}-{int(mo):02d}-{int(d):02d}"
    if _SERIAL.match(text) and len(text.split(".")[0]) >= 4:
        days = int(float(text))
        if EXCEL_SERIAL_RANGE[0] <= days <= EXCEL_SERIAL_RANGE[1]:
            return (EXCEL_EPOCH + dt.timedelta(days=days)).isoformat()
    return parse_date(text).value or text


def _normalise_numbers(s: pd.Series, col: Column) -> pd.Series:
    """Numbers in either locale as canonical text; unread (e.g. ambiguous) cells unchanged."""
    unique = s.unique()
    if all(is_plain_int(v) for v in unique):
        return s
    # The column's other cells may prove the decimal mark and so settle "1.500"-shaped cells.
    mark = decimal_mark(unique)

    def one(cell: str) -> str:
        if is_plain_int(cell):
            return cell
        value = parse_number(cell, mark).value
        if value is None or (col.kind == "int" and "." in value):
            return cell  # validation reports it, with the reason
        return value
    return s.map({v: one(v) for v in unique})


def _by_lookup(s: pd.Series, words: dict[str, str], key=choice_key) -> pd.Series:
    mapping = {v: words.get(key(v), v) for v in s.unique()}
    return s.map(mapping)


def _normalise_choice(s: pd.Series, col: Column) -> pd.Series:
    words = {choice_key(str(c)): str(c) for c in col.choices}
    if col.name in ("grade", "min_grade", "max_grade"):
        def one(v: str) -> str:
            if choice_key(v) in words:
                return words[choice_key(v)]
            m = _GRADE.search(v)
            return f"{m.group(1).upper()}/{m.group(2).lower()}" if m else v
        return s.map({v: one(v) for v in s.unique()})
    if col.name == "education":
        words = {**{k: v for k, v in EDUCATION_WORDS.items()}, **words}
        return _by_lookup(s, words, key=lambda v: re.sub(r"[^0-9a-z]", "", v.lower()))
    return _by_lookup(s, words)


def _normalise_list(s: pd.Series, col: Column) -> pd.Series:
    words = {choice_key(str(c)): str(c) for c in col.choices}

    def one(cell: str) -> str:
        parts = [p.strip() for p in cell.split(";") if p.strip()]
        return ";".join(words.get(choice_key(p), p) for p in parts)
    return s.map({v: one(v) for v in s.unique()})


def normalise_frame(frame: pd.DataFrame, spec: Table) -> pd.DataFrame:
    """Normalise the text cells of a frame with canonical column names (empty cells stay '')."""
    out = frame.copy()
    for name in out.columns:
        col = spec.column(name)
        s = out[name].astype(str).str.strip()
        filled = s != ""
        if not filled.any():
            out[name] = s
            continue
        values = s[filled]
        if name == "sex":
            values = _by_lookup(values, SEX_WORDS, key=lambda v: re.sub(r"[^a-z]", "", v.lower()))
        elif col.kind == "date":
            values = values.map({v: normalise_date(v) for v in values.unique()})
        elif col.kind in ("int", "float"):
            values = _normalise_numbers(values, col)
        elif col.kind == "bool":
            values = _by_lookup(values, BOOL_WORDS, key=lambda v: v.strip().lower())
        elif col.kind == "list" and col.choices:
            values = _normalise_list(values, col)
        elif col.choices:
            values = _normalise_choice(values, col)
        s = s.copy()
        s[filled] = values
        out[name] = s
    return out
