"""The database schema, built from the canonical table contract in ``model.tables``.

One table per canonical table (natural keys unique, ``references`` as foreign keys), plus
``users`` and ``audit_log``. Tables with a one-column natural key use it as primary key; tables
with a composite key get a surrogate integer ``id`` and a unique constraint on the key.
List and targets cells are stored as their ``;``-separated text.
"""

from __future__ import annotations

import sqlalchemy as sa

from model.tables import TABLES, Table

# Contract kind -> column type.
KIND_TYPES: dict[str, type[sa.types.TypeEngine]] = {
    "str": sa.Text,
    "int": sa.BigInteger,
    "float": sa.Float,
    "date": sa.Date,
    "bool": sa.Boolean,
    "list": sa.Text,
    "targets": sa.Text,
}

metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


def _canonical_table(spec: Table) -> sa.Table:
    single_key = len(spec.key) == 1
    items: list[sa.SchemaItem] = []
    if not single_key:
        items.append(sa.Column("id", sa.Integer, primary_key=True, autoincrement=True))
    for col in spec.columns:
        args: list[sa.SchemaItem] = []
        if col.name in spec.references:
            args.append(sa.ForeignKey(spec.references[col.name]))
        items.append(
            sa.Column(
                col.name,
                KIND_TYPES[col.kind](),
                *args,
                primary_key=single_key and col.name in spec.key,
                nullable=not (col.required or col.name in spec.key),
                # Foreign-key columns are indexed: the reference checks and joins use them.
                index=col.name in spec.references,
            )
        )
    if not single_key:
        items.append(sa.UniqueConstraint(*spec.key))
    return sa.Table(spec.name, metadata, *items, comment=spec.doc or None)


CANONICAL: dict[str, sa.Table] = {name: _canonical_table(spec) for name, spec in TABLES.items()}

users = sa.Table(
    "users",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("unit", sa.Text, nullable=True),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.current_timestamp()),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.current_timestamp(), index=True),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("object_type", sa.String(64), nullable=True),
    sa.Column("object_key", sa.Text, nullable=True),
    sa.Column("detail", sa.Text, nullable=True),
)
