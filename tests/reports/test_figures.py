"""The report's figures on a small programme, checked against numbers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.reports import dashboard, queries
from lms.reports.filters import ReportFilters
from lms.reports.queries import Scope
from tests.reports import programme

YEAR_2017 = ReportFilters(dt.date(2017, 1, 1), dt.date(2017, 12, 31))


@pytest.fixture
def data(app):
    return programme.build()


def _report(filters, threshold=1):
    return dashboard.build_report(Scope(filters, now=dt.datetime.now(dt.UTC)),
                                  threshold=threshold, exact=False)


def test_key_figures_for_2017(data):
    totals = _report(YEAR_2017).totals
    assert totals.trained.value == 7            # f1 f2 f3 m1 m2 m3 n1; x1 never attended
    assert totals.participations.value == 9     # S1: 3, S2: 2, S3: 4
    assert totals.sessions == 3
    assert totals.attendance_rate.value == 75.0  # 9 of 13 places, 1 excused: 9 / 12
    assert totals.completion_rate.value == 12.5  # 8 member-module pairs, f1 completed
    assert totals.pass_rate.value == 75.0       # f1 80, m1 75, f2 100 pass; m2 40 fails
    assert totals.pre.value == 63.3             # (40 + 50 + 100) / 3
    assert totals.post.value == 85.0            # (80 + 75 + 100) / 3
    assert totals.gain.value == 0.583           # (40/60 + 25/50) / 2; f2 left out


def test_breakdown_by_gender(data):
    report = _report(YEAR_2017)
    gender = next(b for b in report.breakdowns if b.dimension == "gender")
    rows = dict(gender.rows)
    assert rows["Female"].trained.value == 3 and rows["Female"].participations.value == 5
    assert rows["Male"].trained.value == 3 and rows["Male"].participations.value == 3
    assert rows["Not stated"].trained.value == 1
    # f1 three of three, f2 one of one (one excused), f3 one, x1 none of one: 5 of 6.
    assert rows["Female"].attendance_rate.value == 83.3


def test_filters_combine(data):
    grodno = _report(ReportFilters(**{**YEAR_2017.as_dict(), "region": "grodno"})).totals
    assert (grodno.trained.value, grodno.participations.value) == (3, 5)  # f1 f2 m1
    c1, c2, _ = data["cohorts"]
    women_c2 = ReportFilters(**{**YEAR_2017.as_dict(), "gender": "female", "cohort_id": c2.id})
    totals = _report(women_c2).totals
    assert (totals.trained.value, totals.participations.value) == (2, 2)  # f3 and f1 at S3
    january = ReportFilters(dt.date(2017, 1, 1), dt.date(2017, 1, 31))
    assert _report(january).totals.trained.value == 4  # f1 f2 m1 n1


def test_a_person_in_two_cohorts_counts_once_in_the_total_and_once_per_cohort(data):
    report = _report(YEAR_2017)
    cohorts = {name: f.trained.value for name, f in
               next(b for b in report.breakdowns if b.dimension == "cohort").rows}
    # f1 is in both; C3 appears through m2's quiz result, with no one trained yet.
    assert cohorts == {"C1": 4, "C2": 4, "C3": 0}
    assert report.totals.trained.value == 7
    months = {name: f.trained.value for name, f in
              next(b for b in report.breakdowns if b.dimension == "month").rows}
    assert months == {"2017-01": 4, "2017-02": 4}  # f1 in both months


def test_many_cohorts_are_named_as_well_as_a_few(data, monkeypatch):
    """A breakdown by thousands of cohorts reads every name at once rather than by id."""
    monkeypatch.setattr(queries, "_NAMES_BY_ID", 1)
    cohorts = next(b for b in _report(YEAR_2017).breakdowns if b.dimension == "cohort")
    assert [name for name, _ in cohorts.rows] == ["C1", "C2", "C3"]


def test_small_cells_are_hidden_and_one_more_so_none_can_be_worked_out(data):
    report = _report(YEAR_2017, threshold=3)
    gender = dict(next(b for b in report.breakdowns if b.dimension == "gender").rows)
    assert gender["Not stated"].trained.hidden            # 1 person
    assert gender["Female"].trained.hidden                # complementary: 3, the next smallest
    assert not gender["Male"].trained.hidden
    assert report.totals.trained.value == 7              # totals stay exact
    # Only the small one is called small: the other is withheld, not "<3".
    assert gender["Not stated"].trained.shown(3) == "<3"
    assert gender["Female"].trained.shown(3) == "…"


def test_a_report_narrowed_to_a_few_officials_hides_its_key_figures(data):
    women_in_grodno = ReportFilters(**{**YEAR_2017.as_dict(), "region": "grodno",
                                       "gender": "female"})
    totals = _report(women_in_grodno, threshold=5).totals  # f1 and f2
    assert totals.trained.hidden and totals.participations.hidden
    assert totals.attendance_rate.hidden and totals.pre.hidden  # f1 and f2 took both tests
    assert totals.sessions == 3  # about sessions, not people
    assert not _report(women_in_grodno, threshold=2).totals.trained.hidden
    # Not narrowed to some officials, the programme's totals stay exact however small.
    assert _report(YEAR_2017, threshold=8).totals.trained.value == 7
    assert not _report(YEAR_2017, threshold=8).totals.trained.hidden


def test_planned_and_delivered(data):
    filters = ReportFilters(dt.date(2017, 1, 1), dt.date(2027, 12, 31))
    planned = queries.planned_and_delivered(Scope(filters, now=dt.datetime.now(dt.UTC)))
    assert planned == {"sessions_planned": 4, "sessions_held": 3,
                       "cohorts_planned": 3, "cohorts_held": 2}


def test_trainers_see_figures_of_their_own_cohorts_only(data):
    import sqlalchemy as sa

    from lms.cohorts.models import CohortTrainer
    from lms.extensions import db
    from lms.reports.policy import report_cohorts
    from tests import factories

    trainer = factories.make_user("trainer")
    c1 = data["cohorts"][0]
    db.session.add(CohortTrainer(cohort_id=c1.id, user_id=trainer.id))
    db.session.commit()
    scope = Scope(YEAR_2017, report_cohorts(trainer), now=dt.datetime.now(dt.UTC))
    totals = dashboard.build_report(scope, threshold=1, exact=False).totals
    assert (totals.trained.value, totals.participations.value) == (4, 5)  # C1: S1 3, S2 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(report_cohorts(trainer)
                                                                     .subquery())) == 1


def test_someone_who_left_the_cohort_still_took_part_but_holds_no_place(data):
    """Leaving a cohort does not undo a session attended: the participation still counts,
    while the attendance rate only counts the places of the cohort's members."""
    from lms.cohorts.models import CohortMember
    from lms.extensions import db

    c1, _c2, _c3 = data["cohorts"]
    db.session.execute(sa.delete(CohortMember).where(
        CohortMember.cohort_id == c1.id, CohortMember.user_id == data["people"]["m1"].id))
    db.session.commit()
    report = _report(YEAR_2017)
    totals = report.totals
    assert (totals.trained.value, totals.participations.value) == (7, 9)  # as before
    # m1's two places (present, absent) are gone: 8 of 11 places, f2 excused: 8 / 10.
    assert totals.attendance_rate.value == 80.0
    cohorts = dict(next(b for b in report.breakdowns if b.dimension == "cohort").rows)
    # m1 still took part at S1; C1's places: f1, f2 and n1 at two sessions, f2 excused once.
    assert cohorts["C1"].trained.value == 4 and cohorts["C1"].participations.value == 5
    assert cohorts["C1"].attendance_rate.value == 80.0  # f1 2, f2 1, n1 1: 4 of 5
