"""Staff assign quizzes to a cohort; officials see them with due dates; grades reach the table."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.audit import AuditEvent
from lms.cohorts import services
from lms.cohorts.models import CohortQuiz
from lms.extensions import db
from lms.quizzes import attempts
from lms.quizzes.results import quiz_standings
from tests import factories
from tests.cohorts import factories as cf
from tests.quizzes import factories as qf
from tests.quizzes.test_attempts import RIGHT, answers


def _two_question_quiz(module=None, **settings):
    """A quiz of "Capital" and "Once only": both right is 100 %, one right is 50 %."""
    module = module or qf.module_with_bank()
    wanted = {"Capital", "Once only"}
    questions = [q for q in qf.questions_of(module) if q.current_version.title in wanted]
    return qf.make_quiz(module, questions=questions, **settings)


def _take(quiz, official, right: set[str]):
    """The official starts an attempt and submits it with the named questions right."""
    attempt = qf.start(quiz, official)
    given = {title: value for title, value in RIGHT.items() if title in right}
    attempts.finish_attempt(attempt, sequence=1, answers=answers(attempt, given))
    return attempt


def _assigned(cohort) -> dict[int, dt.date | None]:
    return dict(db.session.execute(
        sa.select(CohortQuiz.quiz_id, CohortQuiz.due_on).where(CohortQuiz.cohort_id == cohort.id)
    ).all())


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_staff_assign_a_quiz_change_its_due_date_and_take_it_off(client, people):
    cohort = cf.make_cohort(name="Mogilev cohort")
    quiz = _two_question_quiz(qf.module_with_bank(), title="Interoperability check",
                              purpose="graded")
    factories.sign_in(client, people["staff"])

    page = client.get(f"/cohorts/{cohort.id}").text
    assert "Sample module: Interoperability check (Graded)" in page
    response = client.post(f"/cohorts/{cohort.id}/quizzes",
                           data={"quiz_id": quiz.id, "due_on": "2027-02-01"})
    assert response.status_code == 302 and response.location.endswith("#quizzes")
    assert _assigned(cohort) == {quiz.id: dt.date(2027, 2, 1)}

    client.post(f"/cohorts/{cohort.id}/quizzes", data={"quiz_id": quiz.id, "due_on": "2027-02-15"})
    assert _assigned(cohort) == {quiz.id: dt.date(2027, 2, 15)}
    page = client.get(f"/cohorts/{cohort.id}").text
    assert "Interoperability check" in page and "due Feb 15, 2027" in page

    client.post(f"/cohorts/{cohort.id}/quizzes/remove", data={"quiz_id": quiz.id})
    assert _assigned(cohort) == {}
    assigned = _events("cohort.quiz_assigned")
    assert [e.details for e in assigned] == [
        {"quiz_id": quiz.id, "due_on": "2027-02-01"}, {"quiz_id": quiz.id, "due_on": "2027-02-15"}
    ]
    assert all(e.actor_id == people["staff"].id and e.target_id == cohort.id for e in assigned)
    [removed] = _events("cohort.quiz_unassigned")
    assert removed.details == {"quiz_id": quiz.id} and removed.actor_id == people["staff"].id


def test_a_draft_quiz_cannot_be_assigned(client, people):
    cohort = cf.make_cohort()
    draft = qf.make_quiz(title="Unfinished draft", is_published=False)
    factories.sign_in(client, people["staff"])
    assert "Unfinished draft" not in client.get(f"/cohorts/{cohort.id}").text
    client.post(f"/cohorts/{cohort.id}/quizzes", data={"quiz_id": draft.id})
    assert _assigned(cohort) == {}
    assert _events("cohort.quiz_assigned") == []
    with pytest.raises(ValueError):
        services.assign_quiz(cf.make_cohort(), draft, None, actor=people["staff"])


def test_official_sees_assigned_quizzes_with_due_dates_and_where_they_stand(client, people):
    official = people["official"]
    cohort = cf.make_cohort(members=[official], name="Vitebsk cohort")
    module = qf.module_with_bank()
    post_test = _two_question_quiz(module, title="Final check", purpose="post_test")
    pre_test = _two_question_quiz(module, title="Starting check", purpose="pre_test",
                                  paired_quiz_id=post_test.id)
    services.assign_quiz(cohort, pre_test, dt.date(2027, 1, 11), actor=people["staff"])
    services.assign_quiz(cohort, post_test, dt.date(2027, 1, 19), actor=people["staff"])
    factories.sign_in(client, official)

    page = client.get("/my/seminars").text
    assert "Starting check" in page and "Final check" in page
    assert "Jan 11, 2027" in page and "Jan 19, 2027" in page
    assert page.count("Not started") == 2
    assert f'href="/quizzes/{pre_test.id}"' in page
    assert client.get(f"/quizzes/{pre_test.id}").status_code == 200

    qf.start(pre_test, official)
    assert "In progress" in client.get("/my/seminars").text
    _take(post_test, official, right={"Capital"})
    page = client.get("/my/seminars").text
    assert "Best grade 50.0 %: not passed" in page

    home = client.get("/").text
    assert "Vitebsk cohort" in home and f'href="/quizzes/{post_test.id}"' in home
    assert "due Jan 19, 2027" in home and "Best grade 50.0 %: not passed" in home


def test_a_quiz_unpublished_after_assignment_is_hidden_from_members(client, people):
    cohort = cf.make_cohort(members=[people["official"]])
    quiz = qf.make_quiz(title="Withdrawn quiz")
    services.assign_quiz(cohort, quiz, None, actor=people["staff"])
    quiz.is_published = False
    factories.sign_in(client, people["official"])
    assert "Withdrawn quiz" not in client.get("/my/seminars").text
    assert "Withdrawn quiz" not in client.get("/").text
    factories.sign_in(client, people["staff"])
    page = client.get(f"/cohorts/{cohort.id}").text
    assert "Withdrawn quiz" in page and "Not published" in page


def test_cohort_page_shows_each_members_best_grade(client, people):
    trainer = people["trainer"]
    cohort = cf.make_cohort(trainers=[trainer])
    anna = cf.make_official_in(cohort, full_name="Anna Asipovich")
    cf.make_official_in(cohort, full_name="Boris Belski")
    quiz = _two_question_quiz(title="Module check", attempts_allowed=0)
    services.assign_quiz(cohort, quiz, None, actor=people["staff"])
    _take(quiz, anna, right={"Capital"})
    _take(quiz, anna, right={"Capital", "Once only"})
    _take(quiz, anna, right=set())

    factories.sign_in(client, trainer)
    page = client.get(f"/cohorts/{cohort.id}").text
    assert "Module check (best grade)" in page
    anna_row = page.split("Anna Asipovich")[1].split("</tr>")[0]
    boris_row = page.split("Boris Belski")[1].split("</tr>")[0]
    assert "100.0 %" in anna_row
    assert "—" in boris_row and "%</td>" not in boris_row


def test_a_trainer_of_another_cohort_is_refused(client, people):
    trainer = people["trainer"]
    cf.make_cohort(trainers=[trainer])
    other = cf.make_cohort(members=[people["official"]])
    quiz = qf.make_quiz()
    services.assign_quiz(other, quiz, None, actor=people["staff"])
    factories.sign_in(client, trainer)
    assert client.get(f"/cohorts/{other.id}").status_code == 403
    assert client.post(f"/cohorts/{other.id}/quizzes",
                       data={"quiz_id": quiz.id}).status_code == 403
    assert client.post(f"/cohorts/{other.id}/quizzes/remove",
                       data={"quiz_id": quiz.id}).status_code == 403
    assert _assigned(other) == {quiz.id: None}


def test_standings_tell_best_grade_attempt_in_progress_and_awaiting_grading(app):
    official = factories.make_user("official")
    graded = _two_question_quiz(attempts_allowed=0, pass_percent=50)
    _take(graded, official, right={"Capital"})
    _take(graded, official, right=set())
    module = qf.module_with_bank()
    essay = qf.make_quiz(module, questions=[q for q in qf.questions_of(module)
                                            if q.current_version.qtype == "essay"])
    _take(essay, official, right={"Essay"})
    started = qf.make_quiz()
    qf.start(started, official)
    untouched = qf.make_quiz()

    standings = quiz_standings([official.id], [graded.id, essay.id, started.id, untouched.id])
    assert standings[(official.id, graded.id)].best_grade == 50.0
    assert standings[(official.id, graded.id)].passed
    assert standings[(official.id, graded.id)].status == "graded"
    assert standings[(official.id, essay.id)].status == "awaiting_grading"
    assert standings[(official.id, started.id)].status == "in_progress"
    assert not standings[(official.id, started.id)].passed
    assert (official.id, untouched.id) not in standings


def _count(client, url: str) -> int:
    from tests.query_counter import count_queries

    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_official_pages_run_the_same_queries_for_one_quiz_and_many(client, people):
    few, many = factories.make_user("official"), factories.make_user("official")
    cohort = cf.make_cohort(members=[few])
    services.assign_quiz(cohort, qf.make_quiz(), dt.date(2027, 1, 15), actor=people["staff"])
    for n in range(3):
        cohort = cf.make_cohort(members=[many])
        for _quiz in range(3):
            quiz = _two_question_quiz()
            services.assign_quiz(cohort, quiz, dt.date(2027, 1, 12 + n), actor=people["staff"])
            _take(quiz, many, right={"Capital"})
    counts = {}
    for official in (few, many):
        factories.sign_in(client, official)
        _count(client, "/my/seminars")  # warm up caches
        counts[official.id] = (_count(client, "/my/seminars"), _count(client, "/"))
    assert counts[few.id] == counts[many.id]
