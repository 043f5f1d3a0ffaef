"""Join the cohorts and quizzes branches.

Both were built on the modules migration at the same time; nothing changes in the schema.

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-11-25 03:49:52.444172

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0005'
down_revision = ('0003', '0004')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
