"""Per-table validation of normalised text cells with pandera (lazy: every failure at once).

The schema is built from the contract in ``model.tables``: required values, kinds, accepted
values, ranges, list and targets cells; natural keys must be unique within a file. A number or
date cell normalisation could not read (``service.ingest.locale_values``) is reported with the
reading's own reason (``ambiguous: 1.500 can be 1.5 or 1500; ...``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from model.tables import Column, Table, parse_targets
from service.ingest.locale_values import parse_date, parse_number

DATE_FORMATS = "YYYY-MM-DD, DD-MM-YYYY, DD/MM/YYYY or 12 Januari 2024"
WHOLE_RULE = "must be a whole number"
NUMBER_RULE = "must be a number"
DATE_RULE = f"must be a real date ({DATE_FORMATS})"
MAX_LISTED_CHOICES = 14


@dataclass(frozen=True)
class Failure:
    """One failed check on one cell (row is the file row; column is canonical)."""

    row: int
    column: str
    value: str
    rule: str


def _choices_text(col: Column) -> str:
    values = [str(c) for c in col.choices]
    if len(values) > MAX_LISTED_CHOICES:
        return ", ".join(values[:MAX_LISTED_CHOICES]) + ", … (see docs/data-format.md)"
    return ", ".join(values)


def _unambiguous(s: pd.Series) -> pd.Series:
    """False where a cell is a number whose reading is refused (``1.500``: 1.5 or 1500?)."""
    unique = s.unique()
    return s.map({v: not parse_number(v).problem for v in unique}).astype(bool)


def _numbers(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.where((s != "") & _unambiguous(s)), errors="coerce")


def _range_rule(col: Column) -> str:
    if col.low is not None and col.high is not None:
        return f"must be between {col.low:g} and {col.high:g}"
    if col.low is not None:
        return f"must be at least {col.low:g}"
    return f"must be at most {col.high:g}"


def _targets_ok(cell: str) -> bool:
    try:
        parse_targets(cell)
    except ValueError:
        return False
    return True


def column_checks(col: Column) -> list[pa.Check]:
    """The checks of one contract column over text cells ('' = missing)."""
    checks: list[pa.Check] = []
    if col.required:
        checks.append(pa.Check(lambda s: s != "", error="required value is missing"))
    if col.kind == "int":
        checks.append(pa.Check(lambda s: (s == "") | s.str.fullmatch(r"-?\d{1,18}"),
                               error=WHOLE_RULE))
    elif col.kind == "float":
        checks.append(pa.Check(lambda s: (s == "") | _numbers(s).notna(), error=NUMBER_RULE))
    elif col.kind == "date":
        checks.append(pa.Check(
            lambda s: (s == "") | pd.to_datetime(s.where(s != ""), format="%Y-%m-%d",
                                                 errors="coerce").notna(),
            error=DATE_RULE))
    elif col.kind == "bool":
        checks.append(pa.Check(lambda s: s.isin(["", "true", "false"]),
                               error="must be ya/tidak, true/false or 1/0"))
    elif col.kind == "targets":
        checks.append(pa.Check(lambda s: s.map(_targets_ok).astype(bool),
                               error="must be CODE:LEVEL pairs separated by ; (levels 1-5)"))
    if col.kind == "list" and col.choices:
        allowed = {str(c) for c in col.choices}
        checks.append(pa.Check(
            lambda s: s.map(lambda v: all(p in allowed for p in v.split(";") if p)).astype(bool),
            error=f"each value (separated by ;) must be one of: {_choices_text(col)}"))
    elif col.choices:
        allowed = ["", *map(str, col.choices)]
        checks.append(pa.Check(lambda s: s.isin(allowed),
                               error=f"must be one of: {_choices_text(col)}"))
    if col.kind in ("int", "float") and (col.low is not None or col.high is not None):
        low = -float("inf") if col.low is None else col.low
        high = float("inf") if col.high is None else col.high
        checks.append(pa.Check(lambda s: (lambda n: n.isna() | n.between(low, high))(_numbers(s)),
                               error=_range_rule(col)))
    return checks


def _reason(rule: str, value: str) -> str:
    """The rule of a failed kind check, made precise by how the cell reads (when it does)."""
    if rule == DATE_RULE:
        return parse_date(value).problem or rule
    if rule not in (WHOLE_RULE, NUMBER_RULE):
        return rule
    reading = parse_number(value)
    if reading.problem:
        return reading.problem
    if rule == WHOLE_RULE and reading.value not in (None, value.strip()):
        return f"{rule} ({value.strip()} is {reading.value})"
    return rule


def table_schema(spec: Table, columns: list[str]) -> pa.DataFrameSchema:
    """A pandera schema for the given canonical columns of a table."""
    return pa.DataFrameSchema(
        {name: pa.Column(None, checks=column_checks(spec.column(name)), nullable=True)
         for name in columns},
        strict=False,
    )


def duplicate_keys(frame: pd.DataFrame, spec: Table) -> list[Failure]:
    """Rows repeating the natural key of an earlier row in the same file."""
    key = list(spec.key)
    if not set(key) <= set(frame.columns):
        return []
    filled = frame[(frame[key] != "").all(axis=1)]
    repeated = filled.duplicated(subset=key, keep="first")
    if not repeated.any():
        return []
    first_row = filled.reset_index(names="_row").groupby(key, sort=False)["_row"].first()
    out = []
    for row, values in filled.loc[repeated, key].iterrows():
        first = first_row.loc[tuple(values)] if len(key) > 1 else first_row.loc[values.iloc[0]]
        out.append(Failure(int(row), key[0], " / ".join(values),
                           f"duplicate key ({', '.join(key)}): same as row {int(first)}"))
    return out


def validate_frame(frame: pd.DataFrame, spec: Table) -> list[Failure]:
    """Every failed check of a normalised text frame (index = file rows), sorted by row."""
    failures: list[Failure] = []
    try:
        table_schema(spec, list(frame.columns)).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for row, column, value, rule in zip(cases["index"], cases["column"],
                                            cases["failure_case"], cases["check"]):
            text = "" if pd.isna(value) else str(value)
            failures.append(Failure(int(row), str(column), text, _reason(str(rule), text)))
    failures.extend(duplicate_keys(frame, spec))
    if {"start_date", "end_date"} <= set(frame.columns):
        both = frame[(frame["start_date"] != "") & (frame["end_date"] != "")]
        start = pd.to_datetime(both["start_date"], format="%Y-%m-%d", errors="coerce")
        end = pd.to_datetime(both["end_date"], format="%Y-%m-%d", errors="coerce")
        for row in both.index[(end < start).to_numpy()]:
            failures.append(Failure(int(row), "end_date", frame.at[row, "end_date"],
                                    "end_date is before start_date"))
    return sorted(failures, key=lambda f: (f.row, f.column))
