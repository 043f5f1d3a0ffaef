"""Plans and feedback forms count in the reports, by cohort and by who was involved."""

from __future__ import annotations

import datetime as dt

from lms.extensions import db
from lms.plans.models import PlanStatus
from lms.reports import evaluation
from lms.reports.filters import ReportFilters
from lms.reports.queries import Scope
from lms.surveys import services as survey_services
from tests import factories
from tests.cohorts import factories as cohort_factories
from tests.plans import factories as plan_factories
from tests.surveys import factories as survey_factories

PERIOD = ReportFilters(dt.date(2017, 1, 1), dt.date(2027, 12, 31))


def test_plans_and_response_rate_are_counted(app):
    cohort = cohort_factories.make_cohort()
    plan_factories.make_plan(cohort, status=PlanStatus.ACCEPTED, milestones=2)
    plan_factories.make_plan(cohort)
    survey = survey_factories.make_survey(cohort, anonymous=True)
    members = [plan_factories.make_author(cohort) for _ in range(2)]
    survey_services.submit_response(survey, members[0], survey_factories.full_answers(survey))
    db.session.commit()
    result = evaluation.build(Scope(PERIOD, now=dt.datetime.now(dt.UTC)), threshold=1,
                              exact=False)
    assert (result.plans_drafted, result.plans_accepted) == (2, 1)
    assert result.forms_answered == 1 and result.forms_expected == 4  # four members asked
    assert result.response_rate == 25.0
    other = cohort_factories.make_cohort()
    db.session.commit()
    only_other = ReportFilters(**{**PERIOD.as_dict(), "cohort_id": other.id})
    empty = evaluation.build(Scope(only_other, now=dt.datetime.now(dt.UTC)), threshold=1,
                             exact=False)
    assert (empty.plans_drafted, empty.forms_expected) == (0, 0)


def test_the_dashboard_shows_them(client):
    cohort = cohort_factories.make_cohort()
    plan_factories.make_plan(cohort, status=PlanStatus.ACCEPTED)
    factories.sign_in(client, factories.make_user("staff"))
    page = client.get("/reports/?from=2017-01-01&to=2027-12-31").get_data(as_text=True)
    assert "Implementation plans and feedback" in page and "Plans accepted" in page


def test_computed_beside_the_figures_it_speaks_the_readers_language(app, client):
    """The plans and feedback figures are computed on other threads alongside the figure
    families; their labels are still in the language of the person reading."""
    app.config["REPORT_QUERY_THREADS"] = 2
    cohort = cohort_factories.make_cohort()
    plan_factories.make_plan(cohort, status=PlanStatus.ACCEPTED)
    factories.sign_in(client, factories.make_user("staff", language="ru"))
    page = client.get("/reports/?from=2017-01-01&to=2027-12-31").get_data(as_text=True)
    assert "Пол авторов" in page and "Authors' gender" not in page
