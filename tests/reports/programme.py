"""A small programme whose figures are worked out by hand in the tests that use it.

Officials (gender, level, region, organisation):
  f1 female local  grodno     A      f2 female local  grodno  A     f3 female central minsk-city B
  m1 male   local  grodno     A      m2 male  central minsk-city B  m3 male  central minsk-city B
  n1 not-stated local mogilev A      x1 female central minsk-city B (enrolled, never attends)
Cohorts: C1 (January 2017: f1 f2 m1 n1), C2 (February 2017: f3 m2 m3 x1 f1),
         C3 (December 2026: m2), the module M (2 lessons) assigned to C1 and C2.
Sessions (Minsk time): S1 27.01.2017 and S2 28.01.2017 of C1, S3 10.02.2017 of C2,
         S4 15.12.2026 of C3 (not held yet).
Attendance: S1 f1 present, f2 late, m1 present, n1 absent;
            S2 f1 present, f2 excused, m1 absent, n1 present;
            S3 f3 present, m2 present, m3 late, x1 absent, f1 present.
Reading: f1 read both lessons of M, f2 one.
Quizzes: pre-test P paired with post-test Q (pass mark 60):
  f1 P 40, Q 80; m1 P 50 then 70, Q 50 then 75; f2 P 100, Q 100; m2 Q 40 only.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lms.attendance.models import AttendanceRecord, SeminarSession
from lms.cohorts.models import Cohort, CohortMember, CohortModule
from lms.content.progress import mark_complete
from lms.extensions import db
from lms.quizzes.models import FINISHED, POST_TEST, PRE_TEST, Attempt, Quiz
from tests import factories
from tests.content import builders

MINSK = ZoneInfo("Europe/Minsk")
PEOPLE = {
    "f1": ("female", "local", "grodno", "A"), "f2": ("female", "local", "grodno", "A"),
    "f3": ("female", "central", "minsk-city", "B"), "m1": ("male", "local", "grodno", "A"),
    "m2": ("male", "central", "minsk-city", "B"), "m3": ("male", "central", "minsk-city", "B"),
    "n1": ("not-stated", "local", "mogilev", "A"), "x1": ("female", "central", "minsk-city", "B"),
}


def _at(year, month, day, hour=9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=MINSK).astimezone(dt.UTC)


def build() -> dict:
    orgs = {"A": factories.make_organisation("Hrodna Oblast Executive Committee", "local",
                                             "grodno"),
            "B": factories.make_organisation("Ministry of Communications", "central",
                                             "minsk-city")}
    people = {}
    for code, (gender, level, region, org) in PEOPLE.items():
        people[code] = factories.make_user("official", full_name=code, gender=gender,
                                           gov_level=level, region=region,
                                           organisation_id=orgs[org].id)
    module = builders.published_module("estonia", lessons=2)
    enrolled = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)

    def cohort(name, start, end, members):
        c = Cohort(name=name, gov_level="mixed", starts_on=start, ends_on=end)
        db.session.add(c)
        db.session.flush()
        for code in members:
            db.session.add(CohortMember(cohort_id=c.id, user_id=people[code].id,
                                        enrolled_at=enrolled))
        return c

    c1 = cohort("C1", dt.date(2017, 1, 10), dt.date(2017, 1, 31), ["f1", "f2", "m1", "n1"])
    c2 = cohort("C2", dt.date(2017, 2, 1), dt.date(2017, 2, 28), ["f3", "m2", "m3", "x1", "f1"])
    c3 = cohort("C3", dt.date(2026, 12, 1), dt.date(2026, 12, 31), ["m2"])
    for c in (c1, c2):
        db.session.add(CohortModule(cohort_id=c.id, module_id=module.id))

    def session(c, when, marks):
        s = SeminarSession(cohort_id=c.id, title=f"{c.name} {when:%d.%m}", starts_at=when,
                           ends_at=when + dt.timedelta(hours=3), timezone="Europe/Minsk",
                           check_in_secret="x" * 32)
        db.session.add(s)
        db.session.flush()
        for code, status in marks.items():
            db.session.add(AttendanceRecord(session_id=s.id, user_id=people[code].id,
                                            status=status))
        return s

    session(c1, _at(2017, 1, 27), {"f1": "present", "f2": "late", "m1": "present",
                                    "n1": "absent"})
    session(c1, _at(2017, 1, 28), {"f1": "present", "f2": "excused", "m1": "absent",
                                    "n1": "present"})
    session(c2, _at(2017, 2, 10), {"f3": "present", "m2": "present", "m3": "late",
                                    "x1": "absent", "f1": "present"})
    session(c3, _at(2026, 12, 15), {})

    for lesson in module.lessons:
        mark_complete(people["f1"].id, lesson)
    mark_complete(people["f2"].id, module.lessons[0])

    post = Quiz(module_id=module.id, title="Post-test", purpose=POST_TEST, pass_percent=60)
    db.session.add(post)
    db.session.flush()
    pre = Quiz(module_id=module.id, title="Pre-test", purpose=PRE_TEST, pass_percent=60,
               paired_quiz_id=post.id)
    db.session.add(pre)
    db.session.flush()

    def attempt(code, quiz, number, grade, when):
        db.session.add(Attempt(quiz_id=quiz.id, user_id=people[code].id, number=number,
                               state=FINISHED, started_at=when, finished_at=when,
                               score=grade, max_score=100, grade=grade))

    attempt("f1", pre, 1, 40, _at(2017, 1, 27))
    attempt("f1", post, 1, 80, _at(2017, 2, 10))
    attempt("m1", pre, 1, 50, _at(2017, 1, 27))
    attempt("m1", pre, 2, 70, _at(2017, 1, 27, 10))
    attempt("m1", post, 1, 50, _at(2017, 1, 28))
    attempt("m1", post, 2, 75, _at(2017, 1, 28, 10))
    attempt("f2", pre, 1, 100, _at(2017, 1, 27))
    attempt("f2", post, 1, 100, _at(2017, 1, 28))
    attempt("m2", post, 1, 40, _at(2017, 2, 10))
    db.session.commit()
    return {"people": people, "orgs": orgs, "cohorts": (c1, c2, c3), "module": module}


def build_more(officials: int) -> None:
    """More officials of every kind in C1, each at both January sessions."""
    import sqlalchemy as sa

    c1 = db.session.scalar(sa.select(Cohort).where(Cohort.name == "C1"))
    sessions = db.session.scalars(
        sa.select(SeminarSession).where(SeminarSession.cohort_id == c1.id)).all()
    organisation = factories.make_organisation()
    genders = ("female", "male", "not-stated")
    for n in range(officials):
        person = factories.make_user("official", gender=genders[n % 3],
                                     gov_level=("local", "central")[n % 2], region="brest",
                                     organisation_id=organisation.id)
        db.session.add(CohortMember(cohort_id=c1.id, user_id=person.id,
                                    enrolled_at=dt.datetime(2017, 1, 1, tzinfo=dt.UTC)))
        for s in sessions:
            db.session.add(AttendanceRecord(session_id=s.id, user_id=person.id,
                                            status=("present", "late", "absent")[n % 3]))
    db.session.commit()
