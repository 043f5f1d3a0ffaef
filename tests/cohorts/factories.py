"""Builders for cohorts, sessions, attendance and imports, for tests and the route walk."""

from __future__ import annotations

import datetime as dt
import itertools

from lms.attendance import checkin
from lms.attendance.models import Apology, SeminarSession
from lms.cohorts.models import Cohort, CohortImport, CohortMember, CohortTrainer
from lms.db import now_utc
from lms.extensions import db
from tests import factories

_counter = itertools.count(1)


def make_cohort(*, trainers=(), members=(), name: str | None = None, **fields) -> Cohort:
    cohort = Cohort(
        name=name or f"Cohort {next(_counter)}",
        gov_level=fields.pop("gov_level", "mixed"),
        starts_on=fields.pop("starts_on", dt.date(2027, 1, 10)),
        ends_on=fields.pop("ends_on", dt.date(2027, 1, 20)),
        **fields,
    )
    db.session.add(cohort)
    db.session.flush()
    for trainer in trainers:
        db.session.add(CohortTrainer(cohort_id=cohort.id, user_id=trainer.id))
    for member in members:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=member.id))
    db.session.flush()
    db.session.expire(cohort, ["trainers", "members"])
    return cohort


def make_session(cohort: Cohort | None = None, *, starts_at: dt.datetime | None = None,
                 hours: float = 2, check_in_open: bool = False, **fields) -> SeminarSession:
    cohort = cohort or make_cohort()
    starts_at = starts_at or now_utc() - dt.timedelta(minutes=5)
    session = SeminarSession(
        cohort_id=cohort.id, title=fields.pop("title", f"Session {next(_counter)}"),
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours),
        timezone="Europe/Minsk", venue=fields.pop("venue", "Room 1"),
        city=fields.pop("city", "Minsk"), check_in_secret=checkin.new_secret(),
        check_in_open=check_in_open, **fields,
    )
    db.session.add(session)
    db.session.flush()
    return session


def make_official_in(cohort: Cohort, **profile):
    official = factories.make_user("official", **profile)
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=official.id))
    db.session.flush()
    return official


def make_apology(session: SeminarSession, official=None, reason="Ill") -> Apology:
    official = official or make_official_in(session.cohort)
    apology = Apology(session_id=session.id, user_id=official.id, reason=reason)
    db.session.add(apology)
    db.session.flush()
    return apology


VALID_CSV = b"full name;email\nAnna Test;anna.test@example.org\n"


def make_import(cohort: Cohort | None = None, content: bytes = VALID_CSV) -> CohortImport:
    cohort = cohort or make_cohort()
    upload = CohortImport(cohort_id=cohort.id, filename="people.csv", content=content)
    db.session.add(upload)
    db.session.flush()
    return upload


def add_members(cohort: Cohort, count: int, organisation=None) -> list:
    """Many officials at once (for the query-count tests), enrolled in the cohort."""
    from lms.accounts.models import User

    start = next(_counter) * 10_000
    people = [
        User(email=f"bulk{start + n}@example.org", full_name=f"Bulk Person {start + n}",
             session_version=1, language="en",
             organisation_id=organisation.id if organisation else None)
        for n in range(count)
    ]
    for person in people:
        person.set_roles(["official"])
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=p.id) for p in people)
    db.session.flush()
    return people


class QueryCounter:
    """Counts the SQL statements run while it is active."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def _count(self, *args):
        self.count += 1

    def __enter__(self):
        import sqlalchemy as sa

        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        import sqlalchemy as sa

        sa.event.remove(self.engine, "before_cursor_execute", self._count)
