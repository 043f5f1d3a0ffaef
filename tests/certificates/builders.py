"""A small cohort with sessions, a post-test and a module, and officials at various stages."""

from __future__ import annotations

import datetime as dt
import itertools

from lms.attendance.models import AttendanceRecord
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.cohorts.models import CohortModule, CohortQuiz
from lms.content.progress import mark_complete
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes.models import FINISHED, POST_TEST, Attempt, Quiz
from tests.cohorts import factories as cf
from tests.content import builders as content
from tests.quizzes import factories as qf

_slugs = itertools.count(1)


def attend(session, official, status="present"):
    db.session.add(AttendanceRecord(session_id=session.id, user_id=official.id, status=status))
    db.session.flush()


def pass_quiz(quiz, official, grade=80.0):
    db.session.add(Attempt(quiz_id=quiz.id, user_id=official.id, number=1, state=FINISHED,
                           finished_at=now_utc(), score=grade, max_score=100, grade=grade))
    db.session.flush()


def read_module(module, official):
    for lesson in module.lessons:
        mark_complete(official.id, lesson)


class Seminar:
    """Two sessions held (3 h and 2 h) and one to come, a post-test and a two-lesson module."""

    def __init__(self, *, with_module=True, names=()):
        start = now_utc() - dt.timedelta(days=3)
        self.cohort = cf.make_cohort(name="Deputy heads, Minsk", starts_on=start.date(),
                                     ends_on=(start + dt.timedelta(days=10)).date())
        self.sessions = [
            cf.make_session(self.cohort, starts_at=start, hours=3, title="Foundations"),
            cf.make_session(self.cohort, starts_at=start + dt.timedelta(days=1), hours=2,
                            title="Open data"),
        ]
        cf.make_session(self.cohort, starts_at=now_utc() + dt.timedelta(days=5), title="Later")
        module_for_quiz = qf.make_module()
        self.post_test = Quiz(module_id=module_for_quiz.id, title="Final test",
                              purpose=POST_TEST, is_published=True, pass_percent=60)
        db.session.add(self.post_test)
        db.session.flush()
        db.session.add(CohortQuiz(cohort_id=self.cohort.id, quiz_id=self.post_test.id))
        self.module = None
        if with_module:
            self.module = content.published_module(f"cert-{next(_slugs)}", lessons=2)
            db.session.add(CohortModule(cohort_id=self.cohort.id, module_id=self.module.id))
        db.session.flush()
        db.session.expire(self.cohort)
        self.officials = [cf.make_official_in(self.cohort, full_name=name) for name in names]

    def complete(self, official):
        """Attend both sessions, pass the post-test and read the module."""
        for session in self.sessions:
            attend(session, official)
        pass_quiz(self.post_test, official)
        if self.module is not None:
            read_module(self.module, official)

    def set_rules(self, actor, *, attendance=80, post_test=True, modules=True):
        return services.save_rule(self.cohort, min_attendance_percent=attendance,
                                  require_post_test=post_test, require_modules=modules,
                                  actor=actor)


def make_certificate(cohort, official) -> Certificate:
    """A certificate without the rules or membership checks (for the route walk)."""
    certificate = Certificate(cohort_id=cohort.id, user_id=official.id,
                              code=services.new_code(), issue_reason="walk", is_automatic=False)
    db.session.add(certificate)
    db.session.flush()
    return certificate
