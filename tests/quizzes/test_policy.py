"""Object checks for quizzes: whose attempt it is, and what a review may show when."""

from __future__ import annotations

import datetime as dt

from lms.db import now_utc
from lms.extensions import db
from lms.quizzes import attempts
from lms.quizzes.policy import available_quizzes_query, owns_attempt, review_for
from tests import factories
from tests.quizzes import factories as qf


def test_an_attempt_belongs_to_its_official_only(app):
    official, other = factories.make_user(), factories.make_user()
    attempt = qf.start(qf.make_quiz(), official)
    assert owns_attempt(official, attempt)
    assert not owns_attempt(other, attempt)
    assert not owns_attempt(factories.make_user("trainer"), attempt)


def test_nothing_is_reviewed_before_submission(app):
    attempt = qf.start(qf.make_quiz())
    assert not review_for(attempt, now_utc()).allowed


def test_review_after_close_shows_details_only_once_the_quiz_has_closed(app):
    closes = now_utc() + dt.timedelta(hours=1)
    attempt = qf.start(qf.make_quiz(review_when="after_close", closes_at=closes))
    attempts.finish_attempt(attempt)
    before = review_for(attempt, closes - dt.timedelta(minutes=1))
    after = review_for(attempt, closes + dt.timedelta(minutes=1))
    assert before.allowed and not (before.answers or before.correct or before.feedback)
    assert after.answers and after.correct and after.feedback


def test_officials_are_offered_only_published_quizzes_that_are_open_now(app):
    now = now_utc()
    open_quiz = qf.make_quiz(title="Open")
    qf.make_quiz(title="Draft", is_published=False)
    qf.make_quiz(title="Closed", closes_at=now - dt.timedelta(days=1))
    qf.make_quiz(title="Later", opens_at=now + dt.timedelta(days=1))
    offered = db.session.scalars(available_quizzes_query(now)).all()
    assert offered == [open_quiz]
