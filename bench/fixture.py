"""What the benchmark's scenarios act on, made in the generated data set."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from lms.attendance import checkin
from lms.attendance.models import SeminarSession
from lms.cohorts.models import Cohort, CohortMember, CohortTrainer
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.building import add_question, create_quiz
from lms.quizzes.models import PRACTICE, PRE_TEST, Quiz
from lms.scale_data import PASSWORD


def make_fixture(concurrency: int) -> dict:
    """A cohort with enough members, a session of it open for check-in now, a practice quiz
    with unlimited attempts, and a staff account; returns what the scenarios need."""
    from werkzeug.security import generate_password_hash

    from lms.accounts.models import User

    members = sa.func.count(CohortMember.id)
    cohort_id = db.session.scalar(
        sa.select(CohortMember.cohort_id).group_by(CohortMember.cohort_id)
        .having(members >= concurrency).order_by(CohortMember.cohort_id).limit(1))
    cohort = db.session.get(Cohort, cohort_id)
    officials = db.session.scalars(
        sa.select(User.email).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort_id).order_by(User.id).limit(concurrency)).all()
    trainer = db.session.scalar(
        sa.select(User.email).join(CohortTrainer, CohortTrainer.user_id == User.id)
        .where(CohortTrainer.cohort_id == cohort_id))
    now = now_utc()
    session = SeminarSession(cohort_id=cohort.id, title="Benchmark session",
                             starts_at=now - dt.timedelta(minutes=5),
                             ends_at=now + dt.timedelta(hours=3), timezone="Europe/Minsk",
                             check_in_secret=checkin.new_secret(), check_in_open=True,
                             grace_minutes=600)
    db.session.add(session)
    staff = User(email="bench-staff@scale.example", full_name="Benchmark Staff",
                 password_hash=generate_password_hash(PASSWORD), session_version=1,
                 language="en")
    staff.set_roles(["staff"])
    db.session.add(staff)
    pre = db.session.scalar(sa.select(Quiz).where(Quiz.purpose == PRE_TEST).order_by(Quiz.id))
    quiz = create_quiz(pre.module, {"title": "Benchmark practice", "purpose": PRACTICE,
                                    "is_published": True, "attempts_allowed": 0,
                                    "pass_percent": 60}, None)
    for slot in pre.slots:
        add_question(quiz, slot.question)
    db.session.commit()
    return {"officials": list(officials), "trainer": trainer, "staff": staff.email,
            "quiz_id": quiz.id, "session_id": session.id, "cohort_id": cohort.id,
            "check_in_secret": session.check_in_secret}
