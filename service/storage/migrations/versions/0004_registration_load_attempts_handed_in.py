"""Registration study load and prior attempts, hand-in date of progress checks (additive).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('study_load_jp', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('prior_attempts', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('progress_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('progress_checks', schema=None) as batch_op:
        batch_op.drop_column('submitted_on')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('prior_attempts')
        batch_op.drop_column('study_load_jp')
