"""A small demonstration programme: one account per role, a past and a current cohort.

It shows every part of the platform with data: the 27 January 2017 seminar for deputy heads
of Republican bodies (with attendance, so reports have figures) and a current cohort of
local officials from Hrodna and Mahilieu with a session today, for check-in.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from lms.accounts import services as accounts
from lms.accounts.models import Organisation, User
from lms.attendance.models import AttendanceRecord
from lms.attendance.services import SessionData, save_session
from lms.cohorts.models import Cohort, CohortMember, CohortModule, CohortQuiz, CohortTrainer
from lms.content.models import PUBLISHED, Module
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.models import POST_TEST, PRE_TEST, Quiz
from lms.reference import Gender, GovLevel, Region
from lms.security.permissions import Role

PASSWORD = "demo-password-2026"  # noqa: S105 - printed for the demo on purpose
ACCOUNTS = [
    ("official@demo.lms", "Alena Kavaliova", Role.OFFICIAL, Gender.FEMALE, 0),
    ("trainer@demo.lms", "Maksim Ivanou", Role.TRAINER, Gender.MALE, 2),
    ("staff@demo.lms", "Volha Shymanskaya", Role.STAFF, Gender.FEMALE, 2),
    ("analyst@demo.lms", "Iryna Lukashevich", Role.ANALYST, Gender.FEMALE, 2),
    ("admin@demo.lms", "Siarhei Zhuk", Role.ADMIN, Gender.MALE, 2),
]
ORGANISATIONS = [
    ("Hrodna Oblast Executive Committee", GovLevel.LOCAL, Region.GRODNO),
    ("Mahilieu Oblast Executive Committee", GovLevel.LOCAL, Region.MOGILEV),
    ("Ministry of Communications and Informatization", GovLevel.CENTRAL, Region.MINSK_CITY),
    ("Ministry of Justice", GovLevel.CENTRAL, Region.MINSK_CITY),
]
# Officials without a sign-in, so that reports have people to count (name, gender, org).
OFFICIALS = [
    ("Tatsiana Karpovich", Gender.FEMALE, 2), ("Andrei Novik", Gender.MALE, 2),
    ("Natallia Sidarenka", Gender.FEMALE, 3), ("Pavel Kazlou", Gender.MALE, 3),
    ("Halina Bialko", Gender.FEMALE, 2), ("Dzmitry Lis", Gender.MALE, 3),
    ("Aliaksandr Rusak", Gender.NOT_STATED, 2), ("Maryia Zhukava", Gender.FEMALE, 0),
    ("Viktar Hlinski", Gender.MALE, 1), ("Sviatlana Paulava", Gender.FEMALE, 1),
    ("Ihar Sakalou", Gender.MALE, 0), ("Ina Baranava", Gender.FEMALE, 1),
]


def _person(email, name, gender, organisation, roles) -> User:
    user, _token = accounts.create_user(
        accounts.ProfileData(full_name=name, email=email, organisation_id=organisation.id,
                             position="Deputy head", gov_level=organisation.level,
                             region=organisation.region, gender=gender.value, language="ru"),
        roles, created_by=None,
    )
    return user


def load() -> bool:
    """Create the demonstration programme unless the database has accounts. True if created."""
    if db.session.scalar(sa.select(sa.func.count(User.id))):
        return False
    organisations = [Organisation(name=n, level=lv.value, region=r.value)
                     for n, lv, r in ORGANISATIONS]
    db.session.add_all(organisations)
    db.session.flush()
    users = {}
    for email, name, role, gender, org in ACCOUNTS:
        users[role] = _person(email, name, gender, organisations[org], [role])
        users[role].set_password(PASSWORD)
    officials = [_person(f"official{n}@demo.lms", name, gender, organisations[org],
                         [Role.OFFICIAL])
                 for n, (name, gender, org) in enumerate(OFFICIALS, start=1)]
    _past_seminar(users, officials)
    _current_cohort(users, officials)
    db.session.commit()
    return True


def _cohort(name, level, region, starts, ends, trainer, members) -> Cohort:
    cohort = Cohort(name=name, gov_level=level, region=region, starts_on=starts, ends_on=ends)
    db.session.add(cohort)
    db.session.flush()
    db.session.add(CohortTrainer(cohort_id=cohort.id, user_id=trainer.id))
    for person in members:
        db.session.add(CohortMember(cohort_id=cohort.id, user_id=person.id,
                                    enrolled_at=dt.datetime.combine(starts, dt.time(8),
                                                                    dt.UTC)))
    return cohort


def _modules(*slugs) -> list[Module]:
    return list(db.session.scalars(
        sa.select(Module).where(Module.slug.in_(slugs), Module.status == PUBLISHED)))


def _past_seminar(users, officials) -> None:
    """The seminar of 27 January 2017 for deputy heads of Republican bodies."""
    central = [p for p in officials if p.gov_level == GovLevel.CENTRAL.value]
    members = central + [users[Role.OFFICIAL]]
    cohort = _cohort("Deputy heads of Republican bodies, Minsk, January 2017", "central",
                     Region.MINSK_CITY.value, dt.date(2017, 1, 27), dt.date(2017, 1, 27),
                     users[Role.TRAINER], members)
    modules = _modules("foundations", "estonia", "serbia", "latvia", "planning")
    for module in modules:
        db.session.add(CohortModule(cohort_id=cohort.id, module_id=module.id))
    statuses = ["present", "present", "late", "present", "absent", "present", "excused"]
    for number, (start, end, title) in enumerate([
        (dt.datetime(2017, 1, 27, 10), dt.datetime(2017, 1, 27, 13),
         "The experience of Estonia, Serbia and Latvia"),
        (dt.datetime(2017, 1, 27, 14), dt.datetime(2017, 1, 27, 17),
         "Drafting an implementation plan"),
    ]):
        session = save_session(None, cohort, SessionData(
            title=title, starts_local=start, ends_local=end, timezone=_zone(), venue="",
            city="Minsk", module_ids=[m.id for m in modules], trainer_ids=[]),
            actor=users[Role.STAFF])
        for index, person in enumerate(members):
            db.session.add(AttendanceRecord(
                session_id=session.id, user_id=person.id,
                status=statuses[(index + number) % len(statuses)]))


def _current_cohort(users, officials) -> None:
    """Local officials of Hrodna and Mahilieu, with a session open for check-in today."""
    local = [p for p in officials if p.gov_level == GovLevel.LOCAL.value]
    members = local + [users[Role.OFFICIAL]]
    today = dt.datetime.now(ZoneInfo(_zone())).date()
    cohort = _cohort("Local officials, Hrodna and Mahilieu", "local", Region.GRODNO.value,
                     today - dt.timedelta(days=7), today + dt.timedelta(days=60),
                     users[Role.TRAINER], members)
    modules = _modules("foundations", "latvia", "planning")
    for offset, module in enumerate(modules):
        db.session.add(CohortModule(cohort_id=cohort.id, module_id=module.id,
                                    due_on=today + dt.timedelta(days=14 * (offset + 1))))
    # The Russian pre-test before the first module is due, the post-test at the end.
    for quiz in db.session.scalars(sa.select(Quiz).join(Module).where(
            Module.slug == "foundations", Quiz.language == "ru",
            Quiz.purpose.in_([PRE_TEST, POST_TEST]))):
        due = today + dt.timedelta(days=3 if quiz.purpose == PRE_TEST else 60)
        db.session.add(CohortQuiz(cohort_id=cohort.id, quiz_id=quiz.id, due_on=due))
    now = now_utc().astimezone(ZoneInfo(_zone())).replace(tzinfo=None, second=0,
                                                           microsecond=0)
    session = save_session(None, cohort, SessionData(
        title="Integrated service centres: lessons from Latvia", starts_local=now
        - dt.timedelta(minutes=5), ends_local=now + dt.timedelta(hours=3), timezone=_zone(),
        venue="Oblast executive committee, hall 2", city="Hrodna",
        module_ids=[m.id for m in modules[1:2]], trainer_ids=[users[Role.TRAINER].id]),
        actor=users[Role.STAFF])
    session.check_in_open = True
    save_session(None, cohort, SessionData(
        title="Planning reform in your body", starts_local=now + dt.timedelta(days=14),
        ends_local=now + dt.timedelta(days=14, hours=3), timezone=_zone(),
        venue="Oblast executive committee, hall 2", city="Mahilieu",
        module_ids=[m.id for m in modules[2:]], trainer_ids=[users[Role.TRAINER].id]),
        actor=users[Role.STAFF])


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def logins() -> list[tuple[str, str]]:
    return [(role.value, email) for email, _name, role, _gender, _org in ACCOUNTS]


