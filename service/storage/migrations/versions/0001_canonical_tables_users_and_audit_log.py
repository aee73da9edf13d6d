"""Canonical tables, users and audit log.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 14:55:58.408911
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_key', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)

    op.create_table('competencies',
    sa.Column('code', sa.Text(), nullable=False),
    sa.Column('name_id', sa.Text(), nullable=True),
    sa.Column('name_en', sa.Text(), nullable=True),
    sa.Column('type', sa.Text(), nullable=True),
    sa.Column('sector', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_competencies'))
    )
    op.create_table('programs',
    sa.Column('program_id', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('category', sa.Text(), nullable=True),
    sa.Column('competencies', sa.Text(), nullable=True),
    sa.Column('form', sa.Text(), nullable=True),
    sa.Column('delivery', sa.Text(), nullable=True),
    sa.Column('jp', sa.BigInteger(), nullable=True),
    sa.Column('cost_idr', sa.BigInteger(), nullable=True),
    sa.Column('provider', sa.Text(), nullable=True),
    sa.Column('eligible_job_kinds', sa.Text(), nullable=True),
    sa.Column('min_grade', sa.Text(), nullable=True),
    sa.Column('max_grade', sa.Text(), nullable=True),
    sa.Column('max_age', sa.BigInteger(), nullable=True),
    sa.Column('eligible_employment_types', sa.Text(), nullable=True),
    sa.Column('eligible_units', sa.Text(), nullable=True),
    sa.Column('eligible_sectors', sa.Text(), nullable=True),
    sa.Column('mandatory', sa.Boolean(), nullable=True),
    sa.PrimaryKeyConstraint('program_id', name=op.f('pk_programs'))
    )
    op.create_table('units',
    sa.Column('unit', sa.Text(), nullable=False),
    sa.Column('sector', sa.Text(), nullable=True),
    sa.Column('unit_kind', sa.Text(), nullable=True),
    sa.Column('parent_unit', sa.Text(), nullable=True),
    sa.Column('head_employee_id', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('unit', name=op.f('pk_units'))
    )
    op.create_table('users',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_users'))
    )
    op.create_table('employees',
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('sex', sa.Text(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('employment_type', sa.Text(), nullable=True),
    sa.Column('grade', sa.Text(), nullable=True),
    sa.Column('job_kind', sa.Text(), nullable=True),
    sa.Column('position', sa.Text(), nullable=True),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('education', sa.Text(), nullable=True),
    sa.Column('appointment_date', sa.Date(), nullable=True),
    sa.Column('digital_access', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['unit'], ['units.unit'], name=op.f('fk_employees_unit_units')),
    sa.PrimaryKeyConstraint('employee_id', name=op.f('pk_employees'))
    )
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employees_unit'), ['unit'], unique=False)

    op.create_table('offerings',
    sa.Column('offering_id', sa.Text(), nullable=False),
    sa.Column('program_id', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('seats', sa.BigInteger(), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['program_id'], ['programs.program_id'], name=op.f('fk_offerings_program_id_programs')),
    sa.PrimaryKeyConstraint('offering_id', name=op.f('pk_offerings'))
    )
    with op.batch_alter_table('offerings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offerings_program_id'), ['program_id'], unique=False)

    op.create_table('competency_assessments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('competency_code', sa.Text(), nullable=False),
    sa.Column('assessed_level', sa.BigInteger(), nullable=True),
    sa.Column('required_level', sa.BigInteger(), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['competency_code'], ['competencies.code'], name=op.f('fk_competency_assessments_competency_code_competencies')),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_competency_assessments_employee_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_assessments')),
    sa.UniqueConstraint('employee_id', 'competency_code', 'assessed_on', name=op.f('uq_competency_assessments_employee_id_competency_code_assessed_on'))
    )
    with op.batch_alter_table('competency_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_assessments_competency_code'), ['competency_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_competency_assessments_employee_id'), ['employee_id'], unique=False)

    op.create_table('decisions',
    sa.Column('decision_id', sa.Text(), nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('program_id', sa.Text(), nullable=False),
    sa.Column('offering_id', sa.Text(), nullable=True),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.Date(), nullable=True),
    sa.Column('model_version', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_decisions_employee_id_employees')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.program_id'], name=op.f('fk_decisions_program_id_programs')),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_program_id'), ['program_id'], unique=False)

    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('program_id', sa.Text(), nullable=False),
    sa.Column('offering_id', sa.Text(), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('jp_earned', sa.Float(), nullable=True),
    sa.Column('post_test_score', sa.Float(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_enrollments_employee_id_employees')),
    sa.ForeignKeyConstraint(['offering_id'], ['offerings.offering_id'], name=op.f('fk_enrollments_offering_id_offerings')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.program_id'], name=op.f('fk_enrollments_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('employee_id', 'program_id', 'date', name=op.f('uq_enrollments_employee_id_program_id_date'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_offering_id'), ['offering_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrollments_program_id'), ['program_id'], unique=False)

    op.create_table('performance_reviews',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('employee_id', sa.Text(), nullable=False),
    sa.Column('period', sa.Text(), nullable=False),
    sa.Column('skp_rating', sa.Text(), nullable=True),
    sa.Column('skp_score', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.employee_id'], name=op.f('fk_performance_reviews_employee_id_employees')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_performance_reviews')),
    sa.UniqueConstraint('employee_id', 'period', name=op.f('uq_performance_reviews_employee_id_period'))
    )
    with op.batch_alter_table('performance_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_performance_reviews_employee_id'), ['employee_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('performance_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_performance_reviews_employee_id'))

    op.drop_table('performance_reviews')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrollments_program_id'))
        batch_op.drop_index(batch_op.f('ix_enrollments_offering_id'))
        batch_op.drop_index(batch_op.f('ix_enrollments_employee_id'))

    op.drop_table('enrollments')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_program_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_employee_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('competency_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_assessments_employee_id'))
        batch_op.drop_index(batch_op.f('ix_competency_assessments_competency_code'))

    op.drop_table('competency_assessments')
    with op.batch_alter_table('offerings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offerings_program_id'))

    op.drop_table('offerings')
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employees_unit'))

    op.drop_table('employees')
    op.drop_table('users')
    op.drop_table('units')
    op.drop_table('programs')
    op.drop_table('competencies')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')
