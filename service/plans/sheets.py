"""Plan lines for people: employee ids mapped back from pseudonyms, and the file HR approves.

The plan file shows ``employee_id`` (HR needs it to nominate); it never goes to a log or to
MLflow. Text cells a spreadsheet would run as formulas are escaped.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from service.pseudonym import person_key
from service.storage.export import escape_formula
from service.storage.schema import CANONICAL

PERSON = "person_key"
LINE_COLUMNS = ["employee_id", PERSON, "unit", "offering_id", "program_id", "start_date",
                "cost_idr", "jp", "expected_benefit", "p_complete", "mandatory", "reason_id",
                "reason_en", "state"]
SHEET_COLUMNS = ["employee_id", "unit", "offering_id", "program_id", "title", "start_date",
                 "cost_idr", "jp", "expected_benefit", "p_complete", "mandatory", "locked",
                 "reason"]
FORMATS = ("csv", "xlsx")


def employee_ids(engine: sa.Engine, key: bytes) -> dict[str, str]:
    """person_key -> employee_id for every employee in the database."""
    emp = CANONICAL["employees"]
    with engine.connect() as conn:
        ids = conn.execute(sa.select(emp.c.employee_id)).scalars().all()
    return {person_key(e, key): e for e in ids}


def person_keys_of(engine: sa.Engine, key: bytes, employee_ids_: list[str]) -> dict[str, str]:
    """employee_id -> person_key for the given ids that exist; unknown ids are left out."""
    emp = CANONICAL["employees"]
    with engine.connect() as conn:
        known = set(conn.execute(sa.select(emp.c.employee_id)
                                 .where(emp.c.employee_id.in_(employee_ids_))).scalars().all())
    return {e: person_key(e, key) for e in employee_ids_ if e in known}


def plan_lines_frame(assignments: pd.DataFrame, offerings: pd.DataFrame, reasons: pd.DataFrame,
                     employee_of: dict[str, str]) -> pd.DataFrame:
    """The stored lines of a plan: the solver's assignments with ids, dates and reasons.

    Raises:
        ValueError: when a person key has no employee in the database.
    """
    lines = assignments.merge(offerings[["offering_id", "start_date"]], on="offering_id",
                              how="left")
    lines = lines.merge(reasons[[PERSON, "program_id", "reason_id", "reason_en"]],
                        on=[PERSON, "program_id"], how="left")
    lines["employee_id"] = lines[PERSON].map(employee_of)
    if lines["employee_id"].isna().any():
        raise ValueError(f"{int(lines['employee_id'].isna().sum())} plan line(s) name a person "
                         "who is no longer in the employees table")
    lines["state"] = ["locked" if bool(v) else "proposed" for v in lines["locked"]]
    lines["start_date"] = pd.to_datetime(lines["start_date"], errors="coerce").dt.date
    return lines[LINE_COLUMNS].reset_index(drop=True)


def plan_sheet(lines: pd.DataFrame, titles: pd.Series | None = None,
               language: str = "id") -> pd.DataFrame:
    """The approval sheet: one row per line in the plan (removed lines left out), escaped."""
    if language not in ("id", "en"):
        raise ValueError(f"language must be 'id' or 'en', got {language!r}")
    live = lines[lines["state"] != "removed"].copy()
    live["title"] = live["program_id"].map(titles) if titles is not None else None
    live["locked"] = live["state"] == "locked"
    live["reason"] = live[f"reason_{language}"].fillna("")
    live["start_date"] = pd.to_datetime(live["start_date"], errors="coerce").dt.strftime("%Y-%m-%d")
    live = live.sort_values(["start_date", "offering_id", "unit", "employee_id"], kind="stable")
    out = live[SHEET_COLUMNS].reset_index(drop=True)
    for column in ("employee_id", "unit", "offering_id", "program_id", "title", "reason"):
        out[column] = out[column].astype(object).map(escape_formula)
    return out


def sheet_bytes(sheet: pd.DataFrame, fmt: str) -> bytes:
    """The sheet as UTF-8 CSV or XLSX bytes."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose csv or xlsx")
    if fmt == "csv":
        return sheet.to_csv(index=False).encode("utf-8")
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("plan")
    ws.append(list(sheet.columns))
    for row in sheet.itertuples(index=False):
        ws.append([None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_sheet(sheet: pd.DataFrame, out: Path) -> str:
    """Write the sheet to ``out`` (format from the suffix); return the format.

    Raises:
        ValueError: for a suffix other than .csv or .xlsx.
    """
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"the plan file must end in .csv or .xlsx, got {out.name!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(sheet_bytes(sheet, fmt))
    return fmt
