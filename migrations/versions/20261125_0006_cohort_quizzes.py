"""Quizzes assigned to seminar cohorts.

Like the cohort's modules: each published quiz a cohort should take, at most once per
cohort, with the date it should be taken by. Removing the cohort or the quiz removes the
assignment.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 03:53:16.799401

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cohort_quizzes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_quizzes_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_cohort_quizzes_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_quizzes')),
    sa.UniqueConstraint('cohort_id', 'quiz_id', name=op.f('uq_cohort_quizzes_cohort_id'))
    )
    with op.batch_alter_table('cohort_quizzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_quizzes_quiz_id'), ['quiz_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cohort_quizzes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_quizzes_quiz_id'))

    op.drop_table('cohort_quizzes')
