"""Training-plan drafts: plans and plan_lines (additive).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:21:43.681363
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plans',
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('budget_idr', sa.Float(), nullable=False),
    sa.Column('settings', sa.Text(), nullable=False),
    sa.Column('candidates', sa.LargeBinary(), nullable=False),
    sa.Column('offerings', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('model_version', sa.String(length=64), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('solved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_plans'))
    )
    op.create_table('plan_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('plan_id', sa.String(length=32), nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('person_key', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('offering_id', sa.Text(), nullable=False),
    sa.Column('program_id', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('cost_idr', sa.Float(), nullable=False),
    sa.Column('jp', sa.Float(), nullable=False),
    sa.Column('expected_benefit', sa.Float(), nullable=False),
    sa.Column('p_complete', sa.Float(), nullable=False),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('reason_id', sa.Text(), nullable=True),
    sa.Column('reason_en', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_plan_lines_employee_id_employees')),
    sa.ForeignKeyConstraint(['offering_id'], ['offerings.offering_id'], name=op.f('fk_plan_lines_offering_id_offerings')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.plan_id'], name=op.f('fk_plan_lines_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_lines')),
    sa.UniqueConstraint('plan_id', 'person_key', 'offering_id', name=op.f('uq_plan_lines_plan_id_person_key_offering_id'))
    )
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_lines_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_lines_unit'), ['unit'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_lines_unit'))
        batch_op.drop_index(batch_op.f('ix_plan_lines_plan_id'))

    op.drop_table('plan_lines')
    op.drop_table('plans')
