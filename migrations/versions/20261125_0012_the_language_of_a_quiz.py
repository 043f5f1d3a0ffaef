"""The language of a quiz.

So that officials are offered the quizzes they can read; empty for a quiz in several
languages. Existing pre-tests and post-tests get the language of their questions.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25 04:27:21.841795

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
    # A quiz whose fixed questions are all in one language is in that language.
    op.execute("""
        UPDATE quizzes SET language = (
            SELECT MIN(q.language) FROM quiz_slots s
            JOIN quiz_questions q ON q.id = s.question_id WHERE s.quiz_id = quizzes.id)
        WHERE (SELECT COUNT(DISTINCT q.language) FROM quiz_slots s
               JOIN quiz_questions q ON q.id = s.question_id WHERE s.quiz_id = quizzes.id) = 1
    """)


def downgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_column('language')

