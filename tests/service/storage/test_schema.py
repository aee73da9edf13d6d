"""The database schema follows the table contract and migrations reach it on both backends."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from model.tables import TABLES
from service.storage.engine import current_revision, get_engine, head_revision, init_db
from service.storage.schema import metadata


def test_every_contract_column_exists_in_the_database(db_engine):
    inspector = sa.inspect(db_engine)
    for name, spec in TABLES.items():
        columns = {c["name"] for c in inspector.get_columns(name)}
        assert set(spec.names) <= columns, (name, set(spec.names) - columns)
    assert {"username", "password_hash", "role", "unit", "active", "created_at"} <= {
        c["name"] for c in inspector.get_columns("users")}
    assert {"id", "at", "actor", "action", "object_type", "object_key", "detail"} <= {
        c["name"] for c in inspector.get_columns("audit_log")}


def test_migrations_match_the_schema_module(db_engine):
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                metadata)
    assert diff == []


def test_natural_keys_are_unique_and_references_are_foreign_keys(db_engine):
    inspector = sa.inspect(db_engine)
    for name, spec in TABLES.items():
        pk = inspector.get_pk_constraint(name)["constrained_columns"]
        uniques = [u["column_names"] for u in inspector.get_unique_constraints(name)]
        assert list(spec.key) == pk or list(spec.key) in uniques, name
        fks = {(fk["constrained_columns"][0], f"{fk['referred_table']}.{fk['referred_columns'][0]}")
               for fk in inspector.get_foreign_keys(name)}
        assert set(spec.references.items()) <= fks, name


def test_init_db_is_idempotent(db_engine):
    assert current_revision(db_engine) == head_revision()
    assert init_db(db_engine) == head_revision()


def test_sqlite_connections_get_wal_foreign_keys_and_full_sync(tmp_path):
    engine = get_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    with engine.connect() as conn:
        pragmas = [conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                   for p in ("journal_mode", "foreign_keys", "synchronous")]
    assert pragmas == ["wal", 1, 2]
    engine.dispose()


def test_default_engine_uses_the_data_folder(data_dir):
    engine = get_engine()
    assert engine.url.database == str(data_dir.resolve() / "asn_reco.db")
    engine.dispose()
