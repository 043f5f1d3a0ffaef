"""Racing requests on PostgreSQL: saves and submissions at once, and starts at once.

Each worker thread has its own app context, so its own session and connection, as the
requests of a real server do. On SQLite every transaction takes the write lock when it
begins (BEGIN IMMEDIATE), so writers never overlap and this race cannot happen there.
"""

from __future__ import annotations

import random
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from lms.accounts.models import User
from lms.audit import AuditEvent
from lms.extensions import db
from lms.quizzes import attempts
from lms.quizzes.attempts import AttemptRefused
from lms.quizzes.models import FINISHED, Attempt, Quiz
from lms.quizzes.question_types import question_type
from tests import factories
from tests.quizzes import factories as qf

OFFICIALS = 20
SAVES_PER_ATTEMPT = 8
SUBMITS_PER_ATTEMPT = 2  # 20 x (8 + 2) = 200 requests
WORKERS = 12


@pytest.fixture
def postgresql_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every writer with BEGIN IMMEDIATE, so requests never "
                    "race there; this race is tested on PostgreSQL")


def _run(app, tasks):
    def run(task):
        with app.app_context():
            try:
                return task()
            finally:
                db.session.commit()
                db.session.remove()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(run, tasks))


def _answer(item, n: int) -> list[str]:
    """A different answer for each save number, valid for the item's type."""
    qtype = item.version.qtype
    if qtype in ("short_answer", "numerical", "essay"):
        return [str(2000 + n)]
    if qtype == "true_false":
        return [str(n % 2)]
    if qtype == "matching":
        return [str((n + k) % len(item.layout)) for k in range(3)]
    if qtype == "multiple_choice":
        return [str(n % len(item.layout)), str((n + 1) % len(item.layout))]
    return [str(n % len(item.layout))]


def test_concurrent_saves_and_submissions_keep_every_saved_answer_and_grade_once(
        app, postgresql_only):
    quiz = qf.make_quiz()
    started = [qf.start(quiz) for _ in range(OFFICIALS)]
    db.session.commit()
    items = {a.id: attempts.load_items(a) for a in started}
    db.session.commit()

    def save(attempt_id, sequence, item):
        values = _answer(item, sequence)

        def task():
            attempt = db.session.get(Attempt, attempt_id)
            return ("save", attempt_id, sequence, item.id,
                    attempts.save_answers(attempt, sequence, {item.id: values}))
        return task

    def submit(attempt_id):
        def task():
            attempt = db.session.get(Attempt, attempt_id)
            return ("submit", attempt_id, None, None, attempts.finish_attempt(attempt))
        return task

    tasks = []
    for attempt in started:
        its = items[attempt.id]
        tasks += [save(attempt.id, n, its[n % len(its)]) for n in range(1, SAVES_PER_ATTEMPT + 1)]
        tasks += [submit(attempt.id) for _ in range(SUBMITS_PER_ATTEMPT)]
    random.Random(42).shuffle(tasks)
    assert len(tasks) == 200
    results = _run(app, tasks)

    db.session.expire_all()
    wins = defaultdict(int)
    last_saved = {}
    for kind, attempt_id, sequence, item_id, ok in results:
        if kind == "submit":
            wins[attempt_id] += ok
        elif ok and sequence > last_saved.get(item_id, (0,))[0]:
            last_saved[item_id] = (sequence, attempt_id)
    for attempt in started:
        attempt = db.session.get(Attempt, attempt.id)
        assert attempt.state == FINISHED
        assert wins[attempt.id] == 1, "exactly one submission finished it"
        graded = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.action == "quiz.attempt_graded", AuditEvent.target_id == attempt.id))
        assert graded == 1, "graded exactly once"
        total = 0.0
        for item in attempts.load_items(attempt):
            kind = question_type(item.version.qtype)
            if item.id in last_saved:
                # Every accepted save was kept: the newest one for each question is there.
                sequence, _ = last_saved[item.id]
                expected = kind.read(item.version, item.layout, _answer(item, sequence))
                assert item.response == expected
            else:
                assert item.response is None
            fraction = kind.grade(item.version, item.layout, item.response)
            assert item.score == (None if fraction is None else round(fraction * item.marks, 6))
            total += item.score or 0.0
        assert attempt.score == pytest.approx(total)
        # Nothing was accepted after the submission: the sequence stops where saving stopped.
        accepted = [s for k, a, s, _, ok in results if k == "save" and a == attempt.id and ok]
        assert attempt.save_sequence == max(accepted, default=0)


def test_concurrent_starts_never_exceed_the_allowed_attempts(app, postgresql_only):
    quiz = qf.make_quiz(attempts_allowed=2)
    officials = [factories.make_user("official") for _ in range(10)]
    db.session.commit()
    quiz_id = quiz.id

    def start(user_id):
        def task():
            try:
                attempt = attempts.start_attempt(db.session.get(Quiz, quiz_id),
                                                 db.session.get(User, user_id))
            except AttemptRefused:
                return user_id, None
            return user_id, attempt.id
        return task

    def round_of_starts():
        tasks = [start(o.id) for o in officials for _ in range(10)]
        random.Random(7).shuffle(tasks)
        return _run(app, tasks)

    # First round: ten tabs per official at once all land in one attempt.
    results = round_of_starts()
    by_official = defaultdict(set)
    for user_id, attempt_id in results:
        by_official[user_id].add(attempt_id)
    assert all(len(ids) == 1 and None not in ids for ids in by_official.values())
    for attempt in db.session.scalars(sa.select(Attempt)):
        attempts.finish_attempt(attempt)
    db.session.commit()

    round_of_starts()  # the second (and last allowed) attempt
    for attempt in db.session.scalars(sa.select(Attempt).filter_by(state="in_progress")):
        attempts.finish_attempt(attempt)
    db.session.commit()

    third = round_of_starts()
    assert all(attempt_id is None for _, attempt_id in third)
    counts = db.session.execute(
        sa.select(Attempt.user_id, sa.func.count(Attempt.id)).group_by(Attempt.user_id)).all()
    assert sorted(n for _, n in counts) == [2] * len(officials)
