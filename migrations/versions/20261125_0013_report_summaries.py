"""Attendance summarised per official, cohort and month, kept up to date by triggers.

The reports add up these rows for the whole months of a period instead of reading every
attendance record. Triggers note each cohort whose sessions, members or attendance records
change (the app recomputes its rows before the next report) and copy an official's new
person attributes into their rows. Every existing cohort is noted, so the first report
fills the summary.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-25 11:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

PERSON = ("gender", "gov_level", "region", "organisation_id")
COPY_PERSON = ("UPDATE report_attendance_months SET "
               + ", ".join(f"{c} = NEW.{c}" for c in PERSON) + " WHERE user_id = NEW.id;")

# What each watched table tells about the cohort it concerns, given its changed rows `r`.
POSTGRES_COHORTS = {
    "attendance_records": "SELECT s.cohort_id FROM {rows} r "
                          "JOIN seminar_sessions s ON s.id = r.session_id",
    "cohort_members": "SELECT r.cohort_id FROM {rows} r",
    "seminar_sessions": "SELECT r.cohort_id FROM {rows} r",
}
SQLITE_COHORTS = {
    "attendance_records": "SELECT cohort_id AS cohort_id FROM seminar_sessions "
                          "WHERE id = {row}.session_id",
    "cohort_members": "SELECT {row}.cohort_id AS cohort_id",
    "seminar_sessions": "SELECT {row}.cohort_id AS cohort_id",
}


def _postgres_triggers():
    for table, cohorts in POSTGRES_COHORTS.items():
        changed = cohorts.format(rows="changed_rows")
        updated = (cohorts.format(rows="old_rows") + " UNION "
                   + cohorts.format(rows="new_rows"))
        for suffix, select in (("changed", changed), ("updated", updated)):
            op.execute(f"""
                CREATE FUNCTION report_note_{table}_{suffix}() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO report_stale_cohorts (cohort_id)
                    SELECT DISTINCT cohort_id FROM ({select}) AS cohorts;
                    RETURN NULL;
                END $$""")
        for event, transition in (("INSERT", "NEW TABLE AS changed_rows"),
                                  ("DELETE", "OLD TABLE AS changed_rows")):
            op.execute(f"""
                CREATE TRIGGER report_note_{table}_{event.lower()} AFTER {event} ON {table}
                REFERENCING {transition} FOR EACH STATEMENT
                EXECUTE FUNCTION report_note_{table}_changed()""")
        op.execute(f"""
            CREATE TRIGGER report_note_{table}_update AFTER UPDATE ON {table}
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
            EXECUTE FUNCTION report_note_{table}_updated()""")
    op.execute(f"""
        CREATE FUNCTION report_copy_person() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            {COPY_PERSON}
            RETURN NULL;
        END $$""")
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in PERSON)
    op.execute(f"""
        CREATE TRIGGER report_copy_person AFTER UPDATE OF {", ".join(PERSON)} ON users
        FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION report_copy_person()""")


def _sqlite_note(table: str, row: str) -> str:
    cohorts = SQLITE_COHORTS[table].format(row=row)
    # One note per cohort is enough until the next report takes the notes.
    return (f"INSERT INTO report_stale_cohorts (cohort_id) SELECT cohort_id FROM ({cohorts}) "
            f"AS c WHERE c.cohort_id IS NOT NULL AND NOT EXISTS ("
            f"SELECT 1 FROM report_stale_cohorts n WHERE n.cohort_id = c.cohort_id);")


def _sqlite_triggers():
    for table in SQLITE_COHORTS:
        for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)),
                            ("UPDATE", ("OLD", "NEW"))):
            body = " ".join(_sqlite_note(table, row) for row in rows)
            op.execute(f"CREATE TRIGGER report_note_{table}_{event.lower()} "
                       f"AFTER {event} ON {table} FOR EACH ROW BEGIN {body} END")
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in PERSON)
    op.execute(f"CREATE TRIGGER report_copy_person AFTER UPDATE OF {', '.join(PERSON)} "
               f"ON users FOR EACH ROW WHEN {changed} BEGIN {COPY_PERSON} END")


def upgrade():
    op.create_table(
        'report_attendance_months',
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('gender', sa.String(length=20), nullable=True),
        sa.Column('gov_level', sa.String(length=20), nullable=True),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('organisation_id', sa.Integer(), nullable=True),
        sa.Column('expected', sa.Integer(), nullable=False),
        sa.Column('attended', sa.Integer(), nullable=False),
        sa.Column('excused', sa.Integer(), nullable=False),
        sa.Column('participations', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('cohort_id', 'user_id', 'month',
                                name=op.f('pk_report_attendance_months')),
    )
    with op.batch_alter_table('report_attendance_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_attendance_months_user_id'), ['user_id'],
                              unique=False)
    op.create_table(
        'report_stale_cohorts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cohort_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_stale_cohorts')),
    )
    with op.batch_alter_table('report_stale_cohorts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_stale_cohorts_cohort_id'), ['cohort_id'],
                              unique=False)
    if op.get_bind().dialect.name == "postgresql":
        _postgres_triggers()
    else:
        _sqlite_triggers()
    op.execute("INSERT INTO report_stale_cohorts (cohort_id) SELECT id FROM cohorts")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER report_copy_person ON users")
        op.execute("DROP FUNCTION report_copy_person()")
        for table in POSTGRES_COHORTS:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER report_note_{table}_{event} ON {table}")
            for suffix in ("changed", "updated"):
                op.execute(f"DROP FUNCTION report_note_{table}_{suffix}()")
    else:
        op.execute("DROP TRIGGER report_copy_person")
        for table in SQLITE_COHORTS:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER report_note_{table}_{event}")
    with op.batch_alter_table('report_stale_cohorts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_stale_cohorts_cohort_id'))
    op.drop_table('report_stale_cohorts')
    with op.batch_alter_table('report_attendance_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_attendance_months_user_id'))
    op.drop_table('report_attendance_months')
