"""Export of canonical tables to CSV or XLSX, safe to open in a spreadsheet.

Text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
apostrophe so a spreadsheet shows them as text instead of running them as formulas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from model.tables import TABLES
from service.storage.frames import load_tables

FORMATS = ("csv", "xlsx")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: object) -> object:
    """``value`` with a leading apostrophe when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A canonical frame as exported cells: ISO dates, true/false, escaped text."""
    out = {}
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_datetime64_any_dtype(s):
            s = s.dt.strftime("%Y-%m-%d")
        elif s.dtype == "boolean":
            s = s.map({True: "true", False: "false"}).astype(object)
        elif pd.api.types.is_string_dtype(s):
            s = s.astype(object).map(escape_formula)
        out[name] = s.astype(object).where(s.notna(), None)
    return pd.DataFrame(out)


def export_table(engine: sa.Engine, table: str, fmt: str, out: Path) -> int:
    """Write one canonical table to ``out`` as CSV (UTF-8) or XLSX; return the row count.

    Raises:
        ValueError: for an unknown table or format.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose csv or xlsx")
    frame = export_frame(load_tables(engine, [table])[table])
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        frame.to_csv(out, index=False, encoding="utf-8")
    else:
        from openpyxl import Workbook  # only needed for XLSX

        book = Workbook(write_only=True)
        sheet = book.create_sheet(table)
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append(list(row))
        book.save(out)
    return len(frame)
