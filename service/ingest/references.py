"""Checks across tables and identifiers: references to other tables and NIPs.

A reference is good when the referenced key is in this import or already in the database.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from model.identifiers import nip_problems
from model.tables import TABLES
from service.ingest.validation import Failure
from service.storage.schema import CANONICAL

NIP_EMPLOYMENT_TYPES = ("PNS", "CPNS")


def referenced_targets(tables: list[str]) -> set[str]:
    """The ``table.column`` keys that the given tables refer to."""
    return {target for name in tables for target in TABLES[name].references.values()}


def known_keys(conn: sa.Connection, targets: set[str],
               frames: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """For each ``table.column``: the values in the database and in this import."""
    known: dict[str, set[str]] = {}
    for target in targets:
        table, column = target.split(".")
        values = set(conn.execute(sa.select(CANONICAL[table].c[column]).distinct()).scalars())
        if table in frames and column in frames[table].columns:
            values |= set(frames[table][column])
        known[target] = {str(v) for v in values if v not in (None, "")}
    return known


def offering_programs(conn: sa.Connection, offerings: pd.DataFrame | None) -> dict[str, str]:
    """offering_id -> program_id from the database, overridden by this import's offerings."""
    table = CANONICAL["offerings"]
    mapping = dict(conn.execute(sa.select(table.c.offering_id, table.c.program_id)).all())
    if offerings is not None and {"offering_id", "program_id"} <= set(offerings.columns):
        mapping.update(zip(offerings["offering_id"], offerings["program_id"]))
    return mapping


def derive_program_ids(enrollments: pd.DataFrame, programs_of: dict[str, str]) -> list[Failure]:
    """Fill missing enrollment program_ids from their offering, in place; report mismatches."""
    if "offering_id" not in enrollments.columns:
        return []
    if "program_id" not in enrollments.columns:
        enrollments["program_id"] = ""
    offered = enrollments["offering_id"]
    derived = offered.map(programs_of).fillna("")
    missing = (enrollments["program_id"] == "") & (offered != "")
    enrollments.loc[missing, "program_id"] = derived[missing]
    clash = (offered != "") & (derived != "") & (enrollments["program_id"] != derived)
    return [Failure(int(row), "program_id", enrollments.at[row, "program_id"],
                    f"offering {enrollments.at[row, 'offering_id']} belongs to program "
                    f"{derived[row]}") for row in enrollments.index[clash.to_numpy()]]


def reference_failures(name: str, frame: pd.DataFrame,
                       known: dict[str, set[str]]) -> list[Failure]:
    """Rows of ``frame`` referring to keys that exist neither in the import nor the database."""
    out: list[Failure] = []
    for column, target in TABLES[name].references.items():
        if column not in frame.columns or target not in known:
            continue
        values = frame[column]
        unknown = (values != "") & ~values.isin(known[target])
        table, key = target.split(".")
        for row in frame.index[unknown.to_numpy()]:
            out.append(Failure(int(row), column, values[row],
                               f"unknown {column}: not in {table}.{key} "
                               "(neither in this import nor in the database)"))
    return out


def nip_failures(employees: pd.DataFrame) -> list[Failure]:
    """NIP problems of PNS/CPNS rows, checked against their sex and birth_date when given."""
    if "employment_type" not in employees.columns:
        return []
    rows = employees[employees["employment_type"].isin(NIP_EMPLOYMENT_TYPES)]
    sexes = rows["sex"] if "sex" in rows.columns else pd.Series("", index=rows.index)
    births = rows["birth_date"] if "birth_date" in rows.columns else pd.Series("", index=rows.index)
    out: list[Failure] = []
    for row, nip, sex, birth in zip(rows.index, rows["employee_id"], sexes, births):
        if nip == "":
            continue
        try:
            birth_date = birth or None
            problems = nip_problems(nip, sex=sex or None, birth_date=birth_date)
        except ValueError:  # an invalid birth_date is reported by the column checks
            problems = nip_problems(nip, sex=sex or None)
        out.extend(Failure(int(row), "employee_id", nip, f"bad NIP: {p}") for p in problems)
    return out
