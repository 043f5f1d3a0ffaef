"""Each best quiz result per month knows whether it passed, and the official's previous
and next months with a result at the same quiz, and the previous month with a pass.

With these, a report counts an official's result at a quiz once in a period by counting
the first of their months in it, instead of regrouping every month's result per official
and quiz. A change of a quiz's pass mark now notes the officials with attempts at it.
Everyone with summarised quiz results is noted, so the next refresh fills the new columns.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-25 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

COLUMNS = ("prev_month", "next_month", "prev_pass_month")
# Officials concerned by a change of a quiz's purpose, pairing or pass mark (as in 0014).
QUIZ_PEOPLE = ("SELECT DISTINCT user_id FROM quiz_attempts WHERE quiz_id IN "
               "(NEW.id, OLD.paired_quiz_id, NEW.paired_quiz_id) OR quiz_id IN "
               "(SELECT id FROM quizzes WHERE paired_quiz_id = NEW.id)")


def _watch_quizzes(columns):
    if op.get_bind().dialect.name == "postgresql":
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        op.execute("DROP TRIGGER report_note_quizzes_update ON quizzes")
        op.execute(f"""
            CREATE TRIGGER report_note_quizzes_update AFTER UPDATE OF {", ".join(columns)}
            ON quizzes FOR EACH ROW WHEN ({changed})
            EXECUTE FUNCTION report_note_quiz_people()""")
        return
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    note = (f"INSERT INTO report_stale_people (user_id) SELECT user_id FROM ({QUIZ_PEOPLE}) "
            f"AS p WHERE NOT EXISTS (SELECT 1 FROM report_stale_people n "
            f"WHERE n.user_id = p.user_id);")
    op.execute("DROP TRIGGER report_note_quizzes_update")
    op.execute(f"CREATE TRIGGER report_note_quizzes_update AFTER UPDATE OF "
               f"{', '.join(columns)} ON quizzes FOR EACH ROW WHEN {changed} "
               f"BEGIN {note} END")


def upgrade():
    with op.batch_alter_table('report_quiz_months', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passed', sa.Boolean(), nullable=True))
        for column in COLUMNS:
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    _watch_quizzes(("purpose", "paired_quiz_id", "pass_percent"))
    op.execute("INSERT INTO report_stale_people (user_id) "
               "SELECT DISTINCT user_id FROM report_quiz_months")


def downgrade():
    _watch_quizzes(("purpose", "paired_quiz_id"))
    with op.batch_alter_table('report_quiz_months', schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
        batch_op.drop_column('passed')
