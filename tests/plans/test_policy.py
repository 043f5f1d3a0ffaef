"""Each object check agrees with its list filter, for authors, trainers, staff and others."""

from __future__ import annotations

import sqlalchemy as sa

from lms.extensions import db
from lms.plans import policy
from lms.plans.models import Plan
from tests import factories
from tests.cohorts import factories as cf
from tests.plans import factories as pf

PAIRS = [
    (policy.is_author, policy.authored_plans),
    (policy.can_review, policy.reviewable_plans),
    (policy.can_view, policy.visible_plans),
]


def test_object_checks_and_list_filters_agree_for_every_kind_of_person(app):
    trainer = factories.make_user("trainer")
    trained = cf.make_cohort(trainers=[trainer])
    mine = pf.make_plan(trained)
    other = pf.make_plan()
    author = mine.authors[0].user
    people = {
        "author": author,
        "colleague not co-author": pf.make_author(trained, mine.organisation),
        "trainer of the cohort": trainer,
        "another trainer": factories.make_user("trainer"),
        "staff": factories.make_user("staff"),
        "analyst": factories.make_user("analyst"),
        "admin": factories.make_user("admin"),
    }
    plans = [mine, other]
    for name, person in people.items():
        for check, scope in PAIRS:
            listed = set(db.session.scalars(scope(person, sa.select(Plan.id))))
            allowed = {p.id for p in plans if check(person, p)}
            assert listed == allowed, (name, check.__name__)

    assert policy.is_author(author, mine) and not policy.is_author(author, other)
    assert policy.can_review(trainer, mine) and not policy.can_review(trainer, other)
    assert not policy.can_view(people["colleague not co-author"], mine)
    assert policy.can_view(people["staff"], other)
    assert not policy.can_view(people["analyst"], mine)
