"""Early progress in running trainings: progress_checks (additive).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:24:16.117384
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('progress_checks',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('offering_id', sa.Text(), nullable=False),
    sa.Column('milestone', sa.Text(), nullable=False),
    sa.Column('check_date', sa.Date(), nullable=False),
    sa.Column('submitted', sa.Boolean(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_progress_checks_employee_id_employees')),
    sa.ForeignKeyConstraint(['offering_id'], ['offerings.offering_id'], name=op.f('fk_progress_checks_offering_id_offerings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_checks')),
    sa.UniqueConstraint('employee_id', 'offering_id', 'milestone', name=op.f('uq_progress_checks_employee_id_offering_id_milestone')),
    comment='early progress in a running training, as the LMS records it at each milestone'
    )
    with op.batch_alter_table('progress_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_checks_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_progress_checks_offering_id'), ['offering_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('progress_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_checks_offering_id'))
        batch_op.drop_index(batch_op.f('ix_progress_checks_employee_id'))

    op.drop_table('progress_checks')
