"""Module completion summarised per cohort member, kept up to date by triggers.

Per cohort and member: how many of the cohort's modules (those with lessons) are assigned
and how many of them the member has finished, with their person attributes, and whether it
is the official's only such membership (then their modules are counted once without
comparing cohorts). Triggers now also note a cohort whose assigned modules change, and
every cohort a module is assigned to when a lesson is added to it, removed or moved.
Every cohort with members is noted, so the next refresh fills the table.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-25 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

PERSON = ("gender", "gov_level", "region", "organisation_id")
SUMMARIES_WITH_PEOPLE = ("report_attendance_months", "report_pre_post_results",
                         "report_quiz_months", "report_member_completion")


def _copy_person(tables) -> str:
    return " ".join(f"UPDATE {table} SET " + ", ".join(f"{c} = NEW.{c}" for c in PERSON)
                    + " WHERE user_id = NEW.id;" for table in tables)


def _module_cohorts(row: str) -> str:
    return f"SELECT cohort_id FROM cohort_modules WHERE module_id = {row}.module_id"


def _postgres_triggers():
    op.execute("""
        CREATE FUNCTION report_note_cohort_modules_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO report_stale_cohorts (cohort_id) VALUES (NEW.cohort_id);
            END IF;
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                INSERT INTO report_stale_cohorts (cohort_id) VALUES (OLD.cohort_id);
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER report_note_cohort_modules AFTER INSERT OR DELETE
        OR UPDATE OF cohort_id, module_id ON cohort_modules
        FOR EACH ROW EXECUTE FUNCTION report_note_cohort_modules_changed()""")
    op.execute(f"""
        CREATE FUNCTION report_note_lessons_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO report_stale_cohorts (cohort_id) {_module_cohorts("NEW")};
            END IF;
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                INSERT INTO report_stale_cohorts (cohort_id) {_module_cohorts("OLD")};
            END IF;
            RETURN NULL;
        END $$""")
    op.execute("""
        CREATE TRIGGER report_note_lessons_insert_delete AFTER INSERT OR DELETE ON lessons
        FOR EACH ROW EXECUTE FUNCTION report_note_lessons_changed()""")
    op.execute("""
        CREATE TRIGGER report_note_lessons_update AFTER UPDATE OF module_id ON lessons
        FOR EACH ROW WHEN (OLD.module_id IS DISTINCT FROM NEW.module_id)
        EXECUTE FUNCTION report_note_lessons_changed()""")


def _postgres_copy_person(tables):
    op.execute(f"""
        CREATE OR REPLACE FUNCTION report_copy_person() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {_copy_person(tables)}
            RETURN NULL;
        END $$""")


def _sqlite_note(cohorts: str) -> str:
    # One note per cohort is enough until the next report takes the notes.
    return (f"INSERT INTO report_stale_cohorts (cohort_id) SELECT DISTINCT cohort_id FROM "
            f"({cohorts}) AS c WHERE NOT EXISTS ("
            f"SELECT 1 FROM report_stale_cohorts n WHERE n.cohort_id = c.cohort_id);")


def _sqlite_triggers():
    for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)),
                        ("UPDATE", ("OLD", "NEW"))):
        body = " ".join(_sqlite_note(f"SELECT {row}.cohort_id AS cohort_id") for row in rows)
        op.execute(f"CREATE TRIGGER report_note_cohort_modules_{event.lower()} AFTER {event} "
                   f"ON cohort_modules FOR EACH ROW BEGIN {body} END")
        body = " ".join(_sqlite_note(_module_cohorts(row)) for row in rows)
        when = " WHEN OLD.module_id IS NOT NEW.module_id" if event == "UPDATE" else ""
        column = " OF module_id" if event == "UPDATE" else ""
        op.execute(f"CREATE TRIGGER report_note_lessons_{event.lower()} AFTER {event}{column} "
                   f"ON lessons FOR EACH ROW{when} BEGIN {body} END")


def _sqlite_copy_person(tables):
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PERSON)
    op.execute("DROP TRIGGER report_copy_person")
    op.execute(f"CREATE TRIGGER report_copy_person AFTER UPDATE OF {', '.join(PERSON)} "
               f"ON users FOR EACH ROW WHEN {changed} BEGIN {_copy_person(tables)} END")


def upgrade():
    op.create_table(
        'report_member_completion',
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('gender', sa.String(length=20), nullable=True),
        sa.Column('gov_level', sa.String(length=20), nullable=True),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('modules', sa.Integer(), nullable=False),
        sa.Column('completed', sa.Integer(), nullable=False),
        sa.Column('alone', sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint('cohort_id', 'user_id', name=op.f('pk_report_member_completion')),
    )
    with op.batch_alter_table('report_member_completion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_member_completion_user_id'), ['user_id'],
                              unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
        _postgres_copy_person(SUMMARIES_WITH_PEOPLE)
    else:
        _sqlite_triggers()
        _sqlite_copy_person(SUMMARIES_WITH_PEOPLE)
    op.execute("INSERT INTO report_stale_cohorts (cohort_id) "
               "SELECT DISTINCT cohort_id FROM cohort_members")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _postgres_copy_person(SUMMARIES_WITH_PEOPLE[:-1])
        op.execute("DROP TRIGGER report_note_lessons_update ON lessons")
        op.execute("DROP TRIGGER report_note_lessons_insert_delete ON lessons")
        op.execute("DROP FUNCTION report_note_lessons_changed()")
        op.execute("DROP TRIGGER report_note_cohort_modules ON cohort_modules")
        op.execute("DROP FUNCTION report_note_cohort_modules_changed()")
    else:
        _sqlite_copy_person(SUMMARIES_WITH_PEOPLE[:-1])
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER report_note_cohort_modules_{event}")
            op.execute(f"DROP TRIGGER report_note_lessons_{event}")
    with op.batch_alter_table('report_member_completion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_member_completion_user_id'))
    op.drop_table('report_member_completion')
