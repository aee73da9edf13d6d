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

# Training-plan drafts (``service.plans``): the header with its settings and the candidate
# lines it was solved from, and one row per line of the current plan (or removed by HR).
plans = sa.Table(
    "plans",
    metadata,
    sa.Column("plan_id", sa.String(32), primary_key=True),
    sa.Column("quarter", sa.String(8), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("budget_idr", sa.Float, nullable=False),
    sa.Column("settings", sa.Text, nullable=False),
    sa.Column("candidates", sa.LargeBinary, nullable=False),
    sa.Column("offerings", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=True),
    sa.Column("model_version", sa.String(64), nullable=True),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.current_timestamp()),
    sa.Column("solved_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("approved_by", sa.String(64), nullable=True),
    sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
)

plan_lines = sa.Table(
    "plan_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("plan_id", sa.String(32), sa.ForeignKey("plans.plan_id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("employee_id", sa.Text, sa.ForeignKey("employees.employee_id"), nullable=False),
    sa.Column("person_key", sa.String(32), nullable=False),
    sa.Column("unit", sa.Text, nullable=True, index=True),
    sa.Column("offering_id", sa.Text, sa.ForeignKey("offerings.offering_id"), nullable=False),
    sa.Column("program_id", sa.Text, nullable=False),
    sa.Column("start_date", sa.Date, nullable=True),
    sa.Column("cost_idr", sa.Float, nullable=False),
    sa.Column("jp", sa.Float, nullable=False),
    sa.Column("expected_benefit", sa.Float, nullable=False),
    sa.Column("p_complete", sa.Float, nullable=False),
    sa.Column("mandatory", sa.Boolean, nullable=False),
    sa.Column("reason_id", sa.Text, nullable=True),
    sa.Column("reason_en", sa.Text, nullable=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("enrollment_id", sa.Integer, nullable=True),
    sa.UniqueConstraint("plan_id", "person_key", "offering_id"),
)

# xAPI statements imported from a learning record store (``service.ingest.lms``): kept by their
# statement id so that importing the same statements again changes nothing, and so that a later
# export holding only new statements is folded with the earlier ones.
lms_statements = sa.Table(
    "lms_statements",
    metadata,
    sa.Column("statement_id", sa.String(64), primary_key=True),
    sa.Column("employee_id", sa.Text, sa.ForeignKey("employees.employee_id"), nullable=False,
              index=True),
    sa.Column("activity_id", sa.Text, nullable=False),
    sa.Column("verb", sa.String(32), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("score_scaled", sa.Float, nullable=True),
    sa.Column("offering_id", sa.Text, nullable=True),
    sa.Column("milestone", sa.Text, nullable=True),
)

# The exposure log (``service.exposure``): every suggestion list shown, one row per item, so
# that the next evaluation knows what HR saw and can correct for the model's own influence.
# Pseudonymous (the person key, never a NIP or name); kept for ``ASN_API_EXPOSURE_RETENTION_DAYS``.
impressions = sa.Table(
    "impressions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("list_id", sa.String(32), nullable=False, index=True),
    sa.Column("person_key", sa.String(32), nullable=False, index=True),
    sa.Column("program_id", sa.Text, nullable=False),
    sa.Column("rank", sa.Integer, nullable=False),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("model_version", sa.String(64), nullable=True),
    sa.Column("surface", sa.String(16), nullable=False),
    sa.Column("client", sa.String(64), nullable=True),
    sa.Column("explored", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("propensity", sa.Float, nullable=True),
    comment="suggestions shown (exposure log); person_key is the pseudonym, never a NIP",
)
