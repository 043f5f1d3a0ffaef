"""Join the branches of feedback surveys, implementation plans, certificates and the API.

They were built on the cohort quizzes migration at the same time; nothing changes in the
schema.

Revision ID: 0011
Revises: 0007, 0008, 0009, 0010
Create Date: 2026-11-25 04:05:00

"""

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = ("0007", "0008", "0009", "0010")
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
