"""Canonical frames: the contract's columns with pandas dtypes, read from and written to the DB.

Dtypes: text (``str``, ``list``, ``targets``) as pandas strings, ``int`` as nullable ``Int64``,
``float`` as ``float64``, ``date`` as ``datetime64[ns]`` and ``bool`` as nullable ``boolean``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from model.tables import TABLES, Table
from service.storage.schema import CANONICAL

KIND_DTYPES: dict[str, str] = {
    "str": "str",
    "list": "str",
    "targets": "str",
    "int": "Int64",
    "float": "float64",
    "date": "datetime64[ns]",
    "bool": "boolean",
}
_TRUE = {"true", "1"}


def to_canonical(frame: pd.DataFrame, spec: Table) -> pd.DataFrame:
    """Cast the contract columns present in ``frame`` to their canonical dtypes.

    Text cells are expected already normalised (ISO dates, ``true``/``false``); empty text
    becomes missing. Columns outside the contract are dropped.
    """
    out = {}
    for col in spec.columns:
        if col.name not in frame.columns:
            continue
        s = frame[col.name]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            s = s.astype("str").replace("", pd.NA)
        if col.kind == "date":
            s = pd.to_datetime(s, format="ISO8601", errors="raise").astype("datetime64[ns]")
        elif col.kind == "bool" and pd.api.types.is_string_dtype(s):
            s = s.str.lower().map(lambda v: pd.NA if pd.isna(v) else v in _TRUE).astype("boolean")
        elif col.kind == "int" and pd.api.types.is_string_dtype(s):
            s = pd.to_numeric(s).astype("Int64")
        elif col.kind == "float" and pd.api.types.is_string_dtype(s):
            s = pd.to_numeric(s).astype("float64")
        out[col.name] = s.astype(KIND_DTYPES[col.kind])
    return pd.DataFrame(out, index=frame.index)


def to_records(frame: pd.DataFrame) -> list[dict]:
    """Rows of a canonical frame as dicts of plain Python values (None for missing)."""
    columns = {}
    for name in frame.columns:
        s = frame[name]
        if pd.api.types.is_datetime64_any_dtype(s):
            values = [None if pd.isna(v) else v.date() for v in s]
        else:
            values = [None if pd.isna(v) else v for v in s.astype(object)]
        if s.dtype == "Int64":
            values = [None if v is None else int(v) for v in values]
        elif s.dtype == "boolean":
            values = [None if v is None else bool(v) for v in values]
        elif s.dtype == "float64":
            values = [None if v is None else float(v) for v in values]
        columns[name] = values
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


def load_tables(
    engine: sa.Engine, names: Iterable[str] | None = None
) -> dict[str, pd.DataFrame]:
    """Read canonical tables from the database as canonical frames.

    Args:
        engine: an engine on a migrated database.
        names: which tables (default: every canonical table, in dependency order).

    Raises:
        KeyError: when a name is not a canonical table.
    """
    wanted = list(names) if names is not None else list(TABLES)
    unknown = [n for n in wanted if n not in TABLES]
    if unknown:
        raise KeyError(f"not a canonical table: {', '.join(unknown)} (known: {', '.join(TABLES)})")
    frames: dict[str, pd.DataFrame] = {}
    with engine.connect() as conn:
        for name in wanted:
            spec, table = TABLES[name], CANONICAL[name]
            columns = [table.c[c] for c in spec.names]
            order = [table.c[k] for k in spec.key]
            result = conn.execute(sa.select(*columns).order_by(*order))
            raw = pd.DataFrame(result.fetchall(), columns=spec.names)
            frames[name] = to_canonical(raw.astype(object), spec)
    return frames
