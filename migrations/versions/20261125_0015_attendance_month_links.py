"""Each attendance summary row knows the official's previous month with a place and with a
participation, overall and in the same cohort.

With these, a report counts each official once in a group by counting the rows that have
no earlier row of theirs in the period, a plain sum, instead of sorting every row to count
distinct officials. Every cohort with summary rows is noted, so the next refresh fills the
new columns; until then reports read those cohorts from the raw records.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-25 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

COLUMNS = ("prev_place_month", "prev_trained_month", "cohort_prev_place_month",
           "cohort_prev_trained_month")


def upgrade():
    with op.batch_alter_table('report_attendance_months', schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    op.execute("INSERT INTO report_stale_cohorts (cohort_id) "
               "SELECT DISTINCT cohort_id FROM report_attendance_months")


def downgrade():
    with op.batch_alter_table('report_attendance_months', schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
