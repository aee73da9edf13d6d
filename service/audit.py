"""The audit log: who viewed or changed whose data, and every decision.

Rows go to the ``audit_log`` table (protected like the data it describes), never to the
application log. ``object_key`` names the record touched (an employee_id, a program_id, ...).
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from service.storage.schema import audit_log

VIEW, CHANGE = "view", "change"
# Actions that change data the model sees (the serving context is rebuilt after them).
DATA_CHANGES = ("import", "decision", "enrollment_update", "program_create", "program_update",
                "offering_create", "offering_update", "training_record_review")


def record(conn: sa.Connection, actor: str, action: str, object_type: str | None = None,
           object_key: str | None = None, detail: dict | None = None) -> None:
    """Add one audit row inside the caller's transaction."""
    conn.execute(audit_log.insert().values(
        actor=actor, action=action, object_type=object_type, object_key=object_key,
        detail=json.dumps(detail, default=str, sort_keys=True) if detail else None))


def record_many(conn: sa.Connection, actor: str, action: str, object_type: str,
                object_keys: list[str], detail: dict | None = None) -> None:
    """One audit row per object (e.g. each employee shown in a batch export)."""
    if not object_keys:
        return
    text = json.dumps(detail, default=str, sort_keys=True) if detail else None
    conn.execute(audit_log.insert(), [
        {"actor": actor, "action": action, "object_type": object_type, "object_key": k,
         "detail": text} for k in object_keys])


def last_change_id(conn: sa.Connection) -> int:
    """Id of the latest data-changing audit row (0 when none): a cheap data version."""
    value = conn.execute(sa.select(sa.func.max(audit_log.c.id))
                         .where(audit_log.c.action.in_(DATA_CHANGES))).scalar()
    return int(value or 0)


def entries(engine: sa.Engine, object_key: str | None = None, limit: int = 100) -> list[dict]:
    """Latest audit rows, newest first (optionally about one object)."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if object_key is not None:
        query = query.where(audit_log.c.object_key == object_key)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
