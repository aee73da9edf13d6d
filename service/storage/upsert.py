"""Bulk upsert of canonical frames on their natural keys (SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from model.tables import TABLES
from service.storage.frames import to_records
from service.storage.schema import CANONICAL

BATCH_ROWS = 5000
_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsert_frame(
    conn: sa.Connection,
    name: str,
    frame: pd.DataFrame,
    on_batch=None,
) -> int:
    """Insert or update the rows of a canonical frame, keyed on the table's natural key.

    Only the columns present in ``frame`` are written, so a file with fewer columns leaves the
    others as they are. Rows whose values are unchanged are not rewritten.

    Args:
        conn: a connection inside the caller's transaction.
        name: the canonical table.
        frame: a canonical frame (see ``service.storage.frames``).
        on_batch: called with the number of rows after each batch (for progress bars).

    Returns:
        The number of rows inserted or changed (-1 when the driver does not tell).
    """
    insert = _INSERTS.get(conn.dialect.name)
    if insert is None:
        raise RuntimeError(f"upsert supports SQLite and PostgreSQL, not {conn.dialect.name}")
    spec, table = TABLES[name], CANONICAL[name]
    columns = [c for c in spec.names if c in frame.columns]
    stmt = insert(table)
    others = [c for c in columns if c not in spec.key]
    if others:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(spec.key),
            set_={c: stmt.excluded[c] for c in others},
            where=sa.or_(*[table.c[c].is_distinct_from(stmt.excluded[c]) for c in others]),
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(spec.key))
    records = to_records(frame[columns])
    changed = 0
    for start in range(0, len(records), BATCH_ROWS):
        batch = records[start:start + BATCH_ROWS]
        result = conn.execute(stmt, batch)
        changed = -1 if changed < 0 or result.rowcount < 0 else changed + result.rowcount
        if on_batch is not None:
            on_batch(len(batch))
    return changed
