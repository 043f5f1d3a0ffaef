"""The official's home page runs a fixed, small number of queries, however much it lists."""

from __future__ import annotations

import datetime as dt

from lms.cohorts import services
from lms.cohorts.models import CohortMember
from lms.db import now_utc
from lms.extensions import db
from lms.plans.models import PlanStatus
from tests import factories
from tests.cohorts import factories as cf
from tests.content import builders
from tests.plans import factories as pf
from tests.query_counter import count_queries
from tests.quizzes import factories as qf
from tests.surveys import factories as sf


def _official_with(cohorts: int):
    """An official in `cohorts` cohorts, each with a quiz started, a session to come, an open
    feedback form and a plan follow-up to report."""
    staff = factories.make_user("staff")
    official = None
    for n in range(cohorts):
        cohort = cf.make_cohort()
        if official is None:
            official = pf.make_author(cohort)
        else:
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=official.id))
        quiz = qf.make_quiz()
        services.assign_quiz(cohort, quiz, dt.date(2027, 1, 15), actor=staff)
        qf.start(quiz, official)
        cf.make_session(cohort, starts_at=now_utc() + dt.timedelta(days=n + 1))
        sf.make_survey(cohort)
        pf.make_follow_up(pf.make_plan(cohort, author=official, status=PlanStatus.ACCEPTED))
    db.session.commit()
    return official


def _home_queries(client, official) -> tuple[int, str]:
    factories.sign_in(client, official)
    client.get("/")
    with count_queries() as statements:
        response = client.get("/")
    assert response.status_code == 200
    # SQLite's transactions begin with a statement of their own; PostgreSQL's do not.
    return len([s for s in statements if not s.startswith("BEGIN")]), response.get_data(True)


def test_the_official_home_page_runs_eight_queries_whatever_it_lists(client):
    builders.published_module("estonia", lessons=2)
    few, few_page = _home_queries(client, _official_with(1))
    many, many_page = _home_queries(client, _official_with(3))
    assert many_page.count("Feedback on the seminar") == 3
    assert many_page.count("months after the seminar") == 3
    assert many == few
    # The official; modules with reading progress; quizzes on offer; feedback forms; cohorts
    # with their quizzes; standings on those quizzes; next sessions; plan follow-ups.
    assert few == 8
