"""Module completion per official across all their cohorts, on one row of the official.

The completion summary per cohort member gains, on one row of each official (`lead`), how
many distinct modules are assigned to them over all their cohorts and how many of those
they have finished. A report counting all of an official's cohorts adds those up instead
of comparing the official's modules cohort by cohort. Every cohort with members is noted,
so the next refresh fills the new columns.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-25 16:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('report_member_completion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('person_modules', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('person_completed', sa.Integer(), nullable=True))
    op.execute("INSERT INTO report_stale_cohorts (cohort_id) "
               "SELECT DISTINCT cohort_id FROM cohort_members")


def downgrade():
    with op.batch_alter_table('report_member_completion', schema=None) as batch_op:
        batch_op.drop_column('person_completed')
        batch_op.drop_column('person_modules')
        batch_op.drop_column('lead')
