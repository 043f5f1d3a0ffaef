"""Each API list runs the same number of SQL statements however much data there is."""

from __future__ import annotations

import sqlalchemy as sa

from lms.cohorts.models import CohortTrainer
from lms.extensions import db
from lms.quizzes.models import FINISHED, Attempt, Quiz
from tests import factories
from tests.api.builders import get, make_token
from tests.cohorts import factories as cohort_factories
from tests.query_counter import count_queries
from tests.reports import programme


def _more_results(officials: int) -> None:
    """More cohorts with trainers, and graded post-tests for the extra officials."""
    from lms.cohorts.models import Cohort, CohortMember

    c1 = db.session.scalar(sa.select(Cohort).where(Cohort.name == "C1"))
    post = db.session.scalar(sa.select(Quiz).where(Quiz.title == "Post-test"))
    known = {m.user_id for m in db.session.scalars(
        sa.select(CohortMember).where(CohortMember.cohort_id == c1.id))}
    programme.build_more(officials=officials)
    for member in db.session.scalars(
            sa.select(CohortMember).where(CohortMember.cohort_id == c1.id)):
        if member.user_id not in known:
            db.session.add(Attempt(quiz_id=post.id, user_id=member.user_id, number=1,
                                   state=FINISHED, score=70, max_score=100, grade=70,
                                   finished_at=sa.func.now()))
    for _ in range(officials // 4):
        cohort_factories.make_cohort(trainers=[factories.make_user("trainer")])
    db.session.commit()


def test_api_lists_do_not_run_more_queries_with_more_data(client, app):
    built = programme.build()
    c1 = built["cohorts"][0]
    staff = make_token(factories.make_user("staff"))
    trainer = factories.make_user("trainer")
    db.session.add(CohortTrainer(cohort_id=c1.id, user_id=trainer.id))
    official = make_token(built["people"]["f1"])
    urls = [(staff, "/api/v1/cohorts"), (staff, f"/api/v1/cohorts/{c1.id}/attendance"),
            (staff, f"/api/v1/cohorts/{c1.id}/quiz-results"),
            (staff, f"/api/v1/cohorts/{c1.id}/xapi/statements"),
            (make_token(trainer), "/api/v1/cohorts"),
            (official, "/api/v1/me/attendance"), (official, "/api/v1/me/xapi/statements")]

    def counts() -> list[int]:
        result = []
        for plain, url in urls:
            db.session.commit()
            with count_queries() as statements:
                assert get(client, url, plain).status_code == 200, url
            result.append(len(statements))
        return result

    small = counts()
    _more_results(officials=20)
    assert counts() == small
