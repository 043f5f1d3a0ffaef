"""An official takes a quiz: answers are kept, grading happens once, time limits hold."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from lms.audit import AuditEvent
from lms.db import now_utc
from lms.extensions import db
from lms.quizzes import attempts, bank, building, grading
from lms.quizzes.attempts import AttemptRefused
from lms.quizzes.models import FINISHED, IN_PROGRESS, Attempt
from tests import factories
from tests.quizzes import factories as qf

# Right answers to the sample bank as the page sends them (answers are not shuffled there).
RIGHT = {
    "Capital": ["0"], "Layers": ["0", "1"], "Once only": ["1"], "Portal": ["LATVIJA.LV"],
    "Year": ["2001.5"], "Match": ["0", "1", "2"], "Essay": ["We could put permits online."],
}


def answers(attempt: Attempt, given: dict[str, list[str]]) -> dict[int, list[str]]:
    items = attempts.load_items(attempt)
    answers = {}
    for item in items:
        values = given.get(item.version.title, [])
        if item.version.qtype == "matching" and values:
            values = [str(item.layout.index(right)) for right in ("G2B", "G2C", "G2G")]
        answers[item.id] = values
    return answers


def graded_events(attempt: Attempt) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "quiz.attempt_graded", AuditEvent.target_id == attempt.id))


def test_right_answers_get_full_marks_once_the_essay_is_graded(app):
    quiz = qf.make_quiz()
    attempt = qf.start(quiz)
    assert attempts.save_answers(attempt, 1, answers(attempt, RIGHT))
    assert attempts.finish_attempt(attempt)
    assert attempt.state == FINISHED and attempt.score == 6 and attempt.max_score == 7
    assert attempt.grade is None  # the essay waits for a trainer
    essay = qf.item_for(attempt, "Essay")
    grading.grade_essay(essay, 1.0, "Good idea.", factories.make_user("trainer"))
    assert attempt.grade == 100.0


def test_wrong_and_missing_answers_score_nothing(app):
    quiz = qf.make_quiz(questions=[q for q in qf.questions_of(qf.module_with_bank())
                                   if q.current_version.qtype != "essay"])
    attempt = qf.start(quiz)
    attempts.save_answers(attempt, 1, answers(attempt, {"Capital": ["1"], "Layers": ["2"]}))
    attempts.finish_attempt(attempt)
    assert attempt.score == 0 and attempt.grade == 0.0


def test_submitting_twice_grades_once(app):
    attempt = qf.start(qf.make_quiz())
    assert attempts.finish_attempt(attempt, sequence=1, answers=answers(attempt, RIGHT))
    first_finished = attempt.finished_at
    assert not attempts.finish_attempt(attempt, sequence=2, answers=answers(attempt, {}))
    assert attempt.score == 6 and attempt.finished_at == first_finished
    assert graded_events(attempt) == 1


def test_a_save_after_submission_changes_nothing(app):
    attempt = qf.start(qf.make_quiz())
    attempts.finish_attempt(attempt, sequence=1, answers=answers(attempt, RIGHT))
    assert not attempts.save_answers(attempt, 5, answers(attempt, {"Capital": ["2"]}))
    assert qf.item_for(attempt, "Capital").response == {"choice": 0}


def test_a_stale_page_cannot_overwrite_newer_answers(app):
    attempt = qf.start(qf.make_quiz())
    assert attempts.save_answers(attempt, 2, answers(attempt, {"Capital": ["0"]}))
    # An old tab still holds sequence 1 (and then 2): both are refused.
    assert not attempts.save_answers(attempt, 1, answers(attempt, {"Capital": ["2"]}))
    assert not attempts.save_answers(attempt, 2, answers(attempt, {"Capital": ["2"]}))
    assert qf.item_for(attempt, "Capital").response == {"choice": 0}
    # Submitting from the stale tab grades what was saved, not what it sends.
    attempts.finish_attempt(attempt, sequence=2, answers=answers(attempt, {"Capital": ["2"]}))
    assert qf.item_for(attempt, "Capital").score == 1.0


def test_a_save_only_replaces_the_questions_the_page_showed(app):
    attempt = qf.start(qf.make_quiz())
    attempts.save_answers(attempt, 1, answers(attempt, RIGHT))
    capital = qf.item_for(attempt, "Capital")
    attempts.save_answers(attempt, 2, {capital.id: ["2"]})
    assert qf.item_for(attempt, "Capital").response == {"choice": 2}
    assert qf.item_for(attempt, "Portal").response == {"text": "LATVIJA.LV"}


def test_the_attempt_limit_holds_and_an_open_attempt_is_resumed(app):
    quiz = qf.make_quiz(attempts_allowed=2)
    official = factories.make_user("official")
    first = qf.start(quiz, official)
    assert qf.start(quiz, official).id == first.id
    attempts.finish_attempt(first)
    second = qf.start(quiz, official)
    assert second.number == 2
    attempts.finish_attempt(second)
    with pytest.raises(AttemptRefused):
        qf.start(quiz, official)


def test_unpublished_closed_or_future_quizzes_cannot_be_started(app):
    now = now_utc()
    for settings in [{"is_published": False}, {"closes_at": now - dt.timedelta(minutes=1)},
                     {"opens_at": now + dt.timedelta(hours=1)}]:
        with pytest.raises(AttemptRefused):
            qf.start(qf.make_quiz(**settings))


def test_an_overdue_attempt_is_closed_with_what_was_saved_when_next_touched(app):
    quiz = qf.make_quiz(time_limit_minutes=10)
    attempt = qf.start(quiz)
    assert attempt.deadline == attempt.started_at + dt.timedelta(minutes=10)
    attempts.save_answers(attempt, 1, answers(attempt, {"Capital": ["0"]}))
    late = attempt.deadline + dt.timedelta(minutes=5)
    assert not attempts.save_answers(attempt, 2, answers(attempt, RIGHT), now=late)
    assert attempt.state == FINISHED and attempt.closed_by_deadline
    assert attempt.score == 1.0


def test_a_late_submission_is_graded_with_the_saved_answers(app):
    attempt = qf.start(qf.make_quiz(time_limit_minutes=5))
    late = attempt.deadline + dt.timedelta(minutes=1)
    assert attempts.finish_attempt(attempt, sequence=1, answers=answers(attempt, RIGHT), now=late)
    assert attempt.closed_by_deadline and attempt.score == 0


def test_a_submission_just_after_the_deadline_still_counts(app):
    attempt = qf.start(qf.make_quiz(time_limit_minutes=5))
    just_late = attempt.deadline + dt.timedelta(seconds=5)
    attempts.finish_attempt(attempt, sequence=1, answers=answers(attempt, RIGHT), now=just_late)
    assert not attempt.closed_by_deadline and attempt.score == 6


def test_the_deadline_is_never_after_the_quiz_closes(app):
    closes = now_utc() + dt.timedelta(minutes=3)
    attempt = qf.start(qf.make_quiz(time_limit_minutes=60, closes_at=closes))
    assert attempt.deadline == closes


def test_close_overdue_command_closes_only_overdue_attempts(app, runner):
    quiz = qf.make_quiz(time_limit_minutes=1, attempts_allowed=0)
    overdue = qf.start(quiz)
    overdue.deadline = now_utc() - dt.timedelta(minutes=5)
    running = qf.start(quiz)
    db.session.commit()
    result = runner.invoke(args=["quizzes", "close-overdue"])
    assert result.exit_code == 0 and "Closed 1 overdue attempt." in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, overdue.id).state == FINISHED
    assert db.session.get(Attempt, running.id).state == IN_PROGRESS


def test_random_places_draw_different_questions_of_the_category(app):
    module = qf.module_with_bank()
    quiz = qf.make_quiz(module, questions=[])
    category = qf.questions_of(module)[0].category
    building.add_random(quiz, category, 3)
    attempt = qf.start(quiz, seed=7)
    items = attempts.load_items(attempt)
    assert len(items) == 3 and len({i.version.question_id for i in items}) == 3


def test_shuffled_answers_are_fixed_for_the_attempt(app):
    quiz = qf.make_quiz(shuffle_answers=True)
    attempt = attempts.start_attempt(quiz, factories.make_user(), rng=random.Random(4))
    capital = qf.item_for(attempt, "Capital")
    assert sorted(capital.layout) == [0, 1, 2]
    shown_first = capital.layout.index(0)  # where "Minsk" is on this official's page
    attempts.finish_attempt(attempt, sequence=1, answers={capital.id: [str(shown_first)]})
    assert qf.item_for(attempt, "Capital").score == 1.0


def test_questions_cannot_change_once_attempted(app):
    quiz = qf.make_quiz()
    qf.start(quiz)
    with pytest.raises(building.QuizLocked):
        building.remove_slot(quiz, quiz.slots[0])


def test_editing_a_question_changes_no_grade_until_a_trainer_regrades(app):
    module = qf.module_with_bank()
    quiz = qf.make_quiz(module)
    attempt = qf.start(quiz)
    # The official picks Hrodna, which the first version marks wrong.
    attempts.finish_attempt(attempt, sequence=1, answers=answers(attempt, {"Capital": ["1"]}))
    assert qf.item_for(attempt, "Capital").score == 0
    question = next(q for q in qf.questions_of(module) if q.current_version.title == "Capital")
    fixed = bank.question_as_gift(question).replace("~Hrodna", "=Hrodna")
    bank.edit_question(question, bank.parse_single_question(fixed), [], None)
    assert qf.item_for(attempt, "Capital").score == 0  # nothing changes by itself

    changes = grading.preview_regrade(quiz)
    assert [(c.old_version, c.new_version, c.old_score, c.new_score) for c in changes] == [
        (1, 2, 0.0, 1.0)]
    assert qf.item_for(attempt, "Capital").score == 0  # previewing changes nothing either
    trainer = factories.make_user("trainer")
    grading.apply_regrade(quiz, trainer)
    item = qf.item_for(attempt, "Capital")
    assert item.score == 1.0 and item.version.number == 2
    assert db.session.get(Attempt, attempt.id).score == 1.0
    assert grading.preview_regrade(quiz) == []


def test_essay_grading_is_refused_outside_the_marks(app):
    attempt = qf.start(qf.make_quiz())
    attempts.finish_attempt(attempt, sequence=1, answers=answers(attempt, RIGHT))
    with pytest.raises(ValueError):
        grading.grade_essay(qf.item_for(attempt, "Essay"), 2.0, "", factories.make_user("trainer"))
