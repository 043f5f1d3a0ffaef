"""Quiz results and module progress summarised per official, kept up to date.

The reports read each official's first pre-test and last post-test grades per test pair,
their best grade per quiz and month, and their finished lessons per module, from these
tables. Triggers note each official whose finished attempts or finished lessons change
(and those whose attempts a change of a quiz's pairing or purpose concerns); the app
recomputes their rows before the next report and, until then, reads them from the raw
records. Person attributes are copied into the quiz results as into the attendance
summary. Everyone with a finished attempt or lesson is noted, so the first report fills
the tables.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-25 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

PERSON = ("gender", "gov_level", "region", "organisation_id")
SUMMARIES_WITH_PEOPLE = ("report_attendance_months", "report_pre_post_results",
                         "report_quiz_months")
COPY_PERSON = " ".join(
    f"UPDATE {table} SET " + ", ".join(f"{c} = NEW.{c}" for c in PERSON)
    + " WHERE user_id = NEW.id;" for table in SUMMARIES_WITH_PEOPLE)
OLD_COPY_PERSON = ("UPDATE report_attendance_months SET "
                   + ", ".join(f"{c} = NEW.{c}" for c in PERSON) + " WHERE user_id = NEW.id;")
PERSON_CHANGED_PG = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in PERSON)
PERSON_CHANGED_SQLITE = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PERSON)

# The rows that matter to the summaries, and the columns whose change matters.
WATCHED = {
    "quiz_attempts": ("state = 'finished'", ("state", "grade", "finished_at")),
    "lesson_progress": ("completed_at IS NOT NULL", ("completed_at",)),
}
# Officials concerned by a change of a quiz's purpose or pairing: everyone with an attempt
# at the quiz, at the quiz it was or is paired with, or at a pre-test paired with it.
QUIZ_PEOPLE = ("SELECT DISTINCT user_id FROM quiz_attempts WHERE quiz_id IN "
               "(NEW.id, OLD.paired_quiz_id, NEW.paired_quiz_id) OR quiz_id IN "
               "(SELECT id FROM quizzes WHERE paired_quiz_id = NEW.id)")


def _postgres_triggers():
    for table, (matters, columns) in WATCHED.items():
        op.execute(f"""
            CREATE FUNCTION report_note_{table}_changed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO report_stale_people (user_id)
                SELECT DISTINCT user_id FROM changed_rows WHERE {matters};
                RETURN NULL;
            END $$""")
        for event, transition in (("INSERT", "NEW TABLE AS changed_rows"),
                                  ("DELETE", "OLD TABLE AS changed_rows")):
            op.execute(f"""
                CREATE TRIGGER report_note_{table}_{event.lower()} AFTER {event} ON {table}
                REFERENCING {transition} FOR EACH STATEMENT
                EXECUTE FUNCTION report_note_{table}_changed()""")
        op.execute(f"""
            CREATE FUNCTION report_note_{table}_updated() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO report_stale_people (user_id) VALUES (NEW.user_id);
                RETURN NULL;
            END $$""")
        changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
        op.execute(f"""
            CREATE TRIGGER report_note_{table}_update AFTER UPDATE OF {", ".join(columns)}
            ON {table} FOR EACH ROW WHEN ({changed})
            EXECUTE FUNCTION report_note_{table}_updated()""")
    op.execute(f"""
        CREATE FUNCTION report_note_quiz_people() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO report_stale_people (user_id) {QUIZ_PEOPLE};
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER report_note_quizzes_update AFTER UPDATE OF purpose, paired_quiz_id
        ON quizzes FOR EACH ROW WHEN (OLD.purpose IS DISTINCT FROM NEW.purpose
                                      OR OLD.paired_quiz_id IS DISTINCT FROM NEW.paired_quiz_id)
        EXECUTE FUNCTION report_note_quiz_people()""")
    _postgres_copy_person(COPY_PERSON)


def _postgres_copy_person(statements: str):
    op.execute(f"""
        CREATE OR REPLACE FUNCTION report_copy_person() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {statements}
            RETURN NULL;
        END $$""")


def _sqlite_note(people: str) -> str:
    # One note per official is enough until the next report takes the notes.
    return (f"INSERT INTO report_stale_people (user_id) SELECT user_id FROM ({people}) AS p "
            f"WHERE NOT EXISTS (SELECT 1 FROM report_stale_people n "
            f"WHERE n.user_id = p.user_id);")


def _sqlite_triggers():
    for table, (matters, columns) in WATCHED.items():
        for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
            when = " ".join(f"{row}.{word}" if word in ("state", "completed_at") else word
                            for word in matters.split(" "))
            op.execute(f"CREATE TRIGGER report_note_{table}_{event.lower()} AFTER {event} "
                       f"ON {table} FOR EACH ROW WHEN {when} "
                       f"BEGIN {_sqlite_note(f'SELECT {row}.user_id AS user_id')} END")
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
        op.execute(f"CREATE TRIGGER report_note_{table}_update AFTER UPDATE OF "
                   f"{', '.join(columns)} ON {table} FOR EACH ROW WHEN {changed} "
                   f"BEGIN {_sqlite_note('SELECT NEW.user_id AS user_id')} END")
    op.execute("CREATE TRIGGER report_note_quizzes_update AFTER UPDATE OF purpose, "
               "paired_quiz_id ON quizzes FOR EACH ROW WHEN OLD.purpose IS NOT NEW.purpose "
               "OR OLD.paired_quiz_id IS NOT NEW.paired_quiz_id "
               f"BEGIN {_sqlite_note(QUIZ_PEOPLE)} END")
    _sqlite_copy_person(COPY_PERSON)


def _sqlite_copy_person(statements: str):
    op.execute("DROP TRIGGER report_copy_person")
    op.execute(f"CREATE TRIGGER report_copy_person AFTER UPDATE OF {', '.join(PERSON)} "
               f"ON users FOR EACH ROW WHEN {PERSON_CHANGED_SQLITE} BEGIN {statements} END")


def upgrade():
    op.create_table(
        'report_pre_post_results',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('pre_quiz_id', sa.Integer(), nullable=False),
        sa.Column('pre', sa.Double(), nullable=False),
        sa.Column('post', sa.Double(), nullable=False),
        sa.Column('gain', sa.Double(), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('gender', sa.String(length=20), nullable=True),
        sa.Column('gov_level', sa.String(length=20), nullable=True),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('user_id', 'pre_quiz_id', name=op.f('pk_report_pre_post_results')),
    )
    with op.batch_alter_table('report_pre_post_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_pre_post_results_finished_at'), ['finished_at'],
                              unique=False)
    op.create_table(
        'report_quiz_months',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('quiz_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('grade', sa.Double(), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('gender', sa.String(length=20), nullable=True),
        sa.Column('gov_level', sa.String(length=20), nullable=True),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('user_id', 'quiz_id', 'month',
                                name=op.f('pk_report_quiz_months')),
    )
    op.create_table(
        'report_module_progress',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('module_id', sa.Integer(), nullable=False),
        sa.Column('lessons_done', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('user_id', 'module_id', name=op.f('pk_report_module_progress')),
    )
    op.create_table(
        'report_stale_people',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_stale_people')),
    )
    with op.batch_alter_table('report_stale_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_stale_people_user_id'), ['user_id'],
                              unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()
    op.execute("INSERT INTO report_stale_people (user_id) "
               "SELECT user_id FROM quiz_attempts WHERE state = 'finished' "
               "UNION SELECT user_id FROM lesson_progress WHERE completed_at IS NOT NULL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _postgres_copy_person(OLD_COPY_PERSON)
        op.execute("DROP TRIGGER report_note_quizzes_update ON quizzes")
        op.execute("DROP FUNCTION report_note_quiz_people()")
        for table in WATCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER report_note_{table}_{event} ON {table}")
            for suffix in ("changed", "updated"):
                op.execute(f"DROP FUNCTION report_note_{table}_{suffix}()")
    else:
        _sqlite_copy_person(OLD_COPY_PERSON)
        op.execute("DROP TRIGGER report_note_quizzes_update")
        for table in WATCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER report_note_{table}_{event}")
    with op.batch_alter_table('report_stale_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_stale_people_user_id'))
    op.drop_table('report_stale_people')
    op.drop_table('report_module_progress')
    op.drop_table('report_quiz_months')
    with op.batch_alter_table('report_pre_post_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_pre_post_results_finished_at'))
    op.drop_table('report_pre_post_results')
