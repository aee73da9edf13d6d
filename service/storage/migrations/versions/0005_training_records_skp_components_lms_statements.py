"""Training records outside the catalogue, SKP 2022 components, LMS statements (additive).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 19:50:19.762400
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lms_statements',
    sa.Column('statement_id', sa.String(length=64), nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('activity_id', sa.Text(), nullable=False),
    sa.Column('verb', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('score_scaled', sa.Float(), nullable=True),
    sa.Column('offering_id', sa.Text(), nullable=True),
    sa.Column('milestone', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_lms_statements_employee_id_employees')),
    sa.PrimaryKeyConstraint('statement_id', name=op.f('pk_lms_statements'))
    )
    with op.batch_alter_table('lms_statements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_statements_employee_id'), ['employee_id'], unique=False)

    op.create_table('training_records',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('kind', sa.Text(), nullable=True),
    sa.Column('provider', sa.Text(), nullable=True),
    sa.Column('jp', sa.Float(), nullable=True),
    sa.Column('certificate_number', sa.Text(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('program_id', sa.Text(), nullable=True),
    sa.Column('match_status', sa.Text(), nullable=True),
    sa.Column('match_score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_training_records_employee_id_employees')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.program_id'], name=op.f('fk_training_records_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_records')),
    sa.UniqueConstraint('employee_id', 'title', 'start_date', name=op.f('uq_training_records_employee_id_title_start_date')),
    comment="training completed outside the catalogue's enrollments; counts toward the JP duty"
    )
    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_records_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_records_program_id'), ['program_id'], unique=False)

    with op.batch_alter_table('performance_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('work_result_rating', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('behaviour_rating', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('quadrant', sa.BigInteger(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('performance_reviews', schema=None) as batch_op:
        batch_op.drop_column('quadrant')
        batch_op.drop_column('behaviour_rating')
        batch_op.drop_column('work_result_rating')

    with op.batch_alter_table('training_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_records_program_id'))
        batch_op.drop_index(batch_op.f('ix_training_records_employee_id'))

    op.drop_table('training_records')
    with op.batch_alter_table('lms_statements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_statements_employee_id'))

    op.drop_table('lms_statements')
