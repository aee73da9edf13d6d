"""The exposure log (impressions) and reject reason codes on decisions (additive).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 13:10:12.873782
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('impressions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('shown_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('list_id', sa.String(length=32), nullable=False),
    sa.Column('person_key', sa.String(length=32), nullable=False),
    sa.Column('program_id', sa.Text(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('surface', sa.String(length=16), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=True),
    sa.Column('explored', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('propensity', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_impressions')),
    comment='suggestions shown (exposure log); person_key is the pseudonym, never a NIP'
    )
    with op.batch_alter_table('impressions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_impressions_list_id'), ['list_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_impressions_person_key'), ['person_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_impressions_shown_at'), ['shown_at'], unique=False)

    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.Text(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('reason_code')

    with op.batch_alter_table('impressions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_impressions_shown_at'))
        batch_op.drop_index(batch_op.f('ix_impressions_person_key'))
        batch_op.drop_index(batch_op.f('ix_impressions_list_id'))

    op.drop_table('impressions')
