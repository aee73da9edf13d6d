"""Database health: engine-level integrity, orphaned references, schema revision, row counts."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from model.tables import TABLES
from service.storage.engine import current_revision, head_revision
from service.storage.schema import CANONICAL, audit_log, users


@dataclass
class DbCheck:
    """The outcome of :func:`check_db`."""

    revision: str | None
    head: str | None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_db(engine: sa.Engine) -> DbCheck:
    """Check the schema revision, the engine's integrity check and every reference."""
    result = DbCheck(revision=current_revision(engine), head=head_revision())
    if result.revision != result.head:
        result.problems.append(f"schema is at revision {result.revision}, expected {result.head}: "
                               "run `asn-reco init-db`")
        return result
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            verdict = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                result.problems += [f"integrity_check: {v}" for v in verdict]
        for name, spec in TABLES.items():
            table = CANONICAL[name]
            result.counts[name] = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for column, target in spec.references.items():
                ref_table, ref_column = target.split(".")
                ref = CANONICAL[ref_table]
                orphans = conn.execute(
                    sa.select(sa.func.count()).select_from(
                        table.outerjoin(ref, table.c[column] == ref.c[ref_column]))
                    .where(table.c[column].is_not(None), ref.c[ref_column].is_(None))
                ).scalar_one()
                if orphans:
                    result.problems.append(f"{name}.{column}: {orphans} rows refer to a missing "
                                           f"{target}")
        for extra in (users, audit_log):
            result.counts[extra.name] = conn.execute(
                sa.select(sa.func.count()).select_from(extra)).scalar_one()
    return result
