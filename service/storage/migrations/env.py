"""Alembic environment: migrates the connection handed over by ``service.storage.engine``."""

from __future__ import annotations

from alembic import context

from service.storage.schema import metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through service.storage.engine.init_db(engine)")
_run(connection)
