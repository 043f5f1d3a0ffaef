"""Staff run cohorts; trainers see only the cohorts they train; the pages stay fast."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from lms.cohorts import exports, policy
from lms.cohorts.models import Cohort, CohortMember
from lms.extensions import db
from tests import factories
from tests.cohorts import factories as cf


def test_staff_create_a_cohort_with_trainers(client, people):
    factories.sign_in(client, people["staff"])
    response = client.post("/cohorts/new", data={
        "name": "Deputy heads of Republican bodies, Minsk, January 2027",
        "description": "Digital services", "gov_level": "central", "region": "minsk-city",
        "starts_on": "2027-01-10", "ends_on": "2027-01-20",
        "trainers": [str(people["trainer"].id)],
    })
    assert response.status_code == 302
    cohort = db.session.scalar(sa.select(Cohort))
    assert cohort.name.startswith("Deputy heads")
    assert cohort.trainer_ids == {people["trainer"].id}
    page = client.get(response.location)
    assert "Deputy heads" in page.text and people["trainer"].full_name in page.text


def test_a_cohort_cannot_end_before_it_starts(client, people):
    factories.sign_in(client, people["staff"])
    response = client.post("/cohorts/new", data={
        "name": "Backwards", "gov_level": "local", "starts_on": "2027-01-10",
        "ends_on": "2027-01-01",
    })
    assert response.status_code == 200
    assert "cannot be before the start" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Cohort.id))) == 0


def test_trainer_sees_only_the_cohorts_they_train(client, people):
    mine = cf.make_cohort(trainers=[people["trainer"]], name="Mine, Grodno")
    other = cf.make_cohort(name="Someone else's, Brest")
    factories.sign_in(client, people["trainer"])
    listing = client.get("/cohorts").text
    assert "Mine, Grodno" in listing and "Someone else" not in listing
    assert client.get(f"/cohorts/{mine.id}").status_code == 200
    assert client.get(f"/cohorts/{other.id}").status_code == 403
    # A trainer may look, but not manage.
    assert client.get(f"/cohorts/{mine.id}/edit").status_code == 403
    assert client.get(f"/cohorts/{mine.id}/roster.csv").status_code == 403


def test_the_object_check_and_the_list_filter_agree(app, people):
    trained = cf.make_cohort(trainers=[people["trainer"]])
    cf.make_cohort()
    for person in (people["trainer"], people["staff"], people["official"], people["admin"]):
        listed = set(db.session.scalars(policy.visible_cohorts(person, sa.select(Cohort.id))))
        allowed = {c.id for c in db.session.scalars(sa.select(Cohort))
                   if policy.can_view_cohort(person, c)}
        assert listed == allowed, person.email
    assert set(db.session.scalars(
        policy.visible_cohorts(people["trainer"], sa.select(Cohort.id)))) == {trained.id}


def test_staff_enrol_an_official_found_by_name_and_unenrol_them(client, people):
    cohort = cf.make_cohort()
    official = factories.make_user("official", full_name="Алёна Шчарбіна",
                                   email="alena@example.org")
    trainer = factories.make_user("trainer", full_name="Алёна Трэнер")
    factories.sign_in(client, people["staff"])
    found = client.get(f"/cohorts/{cohort.id}/enrol", query_string={"q": "алёна"}).text
    assert "Алёна Шчарбіна" in found
    assert trainer.full_name not in found  # only officials are offered
    client.post(f"/cohorts/{cohort.id}/enrol", data={"user_id": official.id})
    client.post(f"/cohorts/{cohort.id}/enrol", data={"user_id": official.id})
    members = db.session.scalars(sa.select(CohortMember.user_id)).all()
    assert members == [official.id]
    client.post(f"/cohorts/{cohort.id}/unenrol", data={"user_id": official.id})
    assert db.session.scalars(sa.select(CohortMember.user_id)).all() == []


def test_an_archived_cohort_leaves_the_active_list(client, people):
    cohort = cf.make_cohort(name="Old cohort")
    factories.sign_in(client, people["staff"])
    client.post(f"/cohorts/{cohort.id}/archive", data={"archived": "1"})
    assert "Old cohort" not in client.get("/cohorts").text
    assert "Old cohort" in client.get("/cohorts?archived=1").text


def test_roster_exports_neutralise_formulas(client, people):
    cohort = cf.make_cohort()
    cf.make_official_in(cohort, full_name="=HYPERLINK(\"http://evil\")", position="+1 boss")
    factories.sign_in(client, people["staff"])
    text = client.get(f"/cohorts/{cohort.id}/roster.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 boss" in text
    from openpyxl import load_workbook

    data = client.get(f"/cohorts/{cohort.id}/roster.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(\"http://evil\")" in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_cells_that_a_spreadsheet_would_run_get_a_leading_quote(value):
    assert exports.neutralise(value) == "'" + value
    assert exports.neutralise("Іван") == "Іван"


def test_official_sees_assigned_modules_with_due_dates(client, people, app):
    from lms.content.models import Module, ModuleTranslation

    module = Module(slug="e-services", country="by", level="basic", status="published")
    module.translations = [ModuleTranslation(language="en", title="Electronic services")]
    db.session.add(module)
    cohort = cf.make_cohort(members=[people["official"]], name="Grodno cohort")
    factories.sign_in(client, people["staff"])
    client.post(f"/cohorts/{cohort.id}/modules",
                data={"module_id": module.id, "due_on": "2027-02-01"})
    factories.sign_in(client, people["official"])
    page = client.get("/my/seminars").text
    assert "Grodno cohort" in page and "Electronic services" in page and "2027" in page
    home = client.get("/").text
    assert "Grodno cohort" in home


def _count_cohort_page(client, cohort_id) -> int:
    with cf.QueryCounter(db.engine) as counter:
        response = client.get(f"/cohorts/{cohort_id}")
    assert response.status_code == 200
    return counter.count


def _cohort_of(size: int, sessions: int, organisation, quizzes, modules, staff, trainer):
    """A cohort of `size` members with `sessions` sessions (most members marked in each),
    the modules and quizzes assigned, and a few attempts."""
    from lms.attendance import services as attendance
    from lms.cohorts import services
    from tests.quizzes import factories as qf

    cohort = cf.make_cohort(trainers=[trainer])
    members = cf.add_members(cohort, size, organisation)
    for n in range(sessions):
        session = cf.make_session(cohort, starts_at=dt.datetime(2027, 1, 10 + n, 7, tzinfo=dt.UTC))
        attendance.set_attendance(
            session, {m.id: (("present", "late", "absent", "excused")[i % 4], "")
                      for i, m in enumerate(members[n % 3:])}, actor=staff)
    for module in modules:
        services.assign_module(cohort, module, dt.date(2027, 1, 20), actor=staff)
    for quiz in quizzes:
        services.assign_quiz(cohort, quiz, dt.date(2027, 1, 20), actor=staff)
        for member in members[:3]:
            qf.start(quiz, member)
    return cohort


def test_cohort_page_runs_the_same_queries_for_10_and_500_members(client, people):
    from tests.content import builders
    from tests.quizzes import factories as qf

    organisation = factories.make_organisation()
    quizzes = [qf.make_quiz(purpose="pre_test"), qf.make_quiz(purpose="post_test")]
    modules = [builders.published_module("estonia"), builders.published_module("serbia")]
    small = _cohort_of(10, 1, organisation, quizzes[:1], modules[:1], people["staff"],
                       people["trainer"])
    large = _cohort_of(500, 6, organisation, quizzes, modules, people["staff"],
                       people["trainer"])
    db.session.commit()
    for person in (people["staff"], people["trainer"]):
        factories.sign_in(client, person)
        _count_cohort_page(client, small.id)  # warm up caches
        assert _count_cohort_page(client, small.id) == _count_cohort_page(client, large.id)


def test_cohort_page_runs_the_same_queries_with_or_without_modules_and_quizzes(client, people):
    from tests.content import builders
    from tests.quizzes import factories as qf

    organisation = factories.make_organisation()
    quizzes = [qf.make_quiz(purpose="pre_test")]
    modules = [builders.published_module("estonia")]
    empty = cf.make_cohort(trainers=[people["trainer"]])
    with_modules = _cohort_of(3, 1, organisation, [], modules, people["staff"], people["trainer"])
    with_both = _cohort_of(3, 2, organisation, quizzes, modules, people["staff"],
                           people["trainer"])
    db.session.commit()
    for person in (people["staff"], people["trainer"]):
        factories.sign_in(client, person)
        _count_cohort_page(client, with_both.id)  # warm up caches
        counts = {_count_cohort_page(client, c.id) for c in (empty, with_modules, with_both)}
        assert len(counts) == 1


def test_cohort_page_lists_modules_and_quizzes_by_due_date_and_offers_them_in_module_order(
        client, people):
    from lms.cohorts import services
    from tests.content import builders
    from tests.quizzes import factories as qf

    estonia = builders.published_module("estonia", title="Estonian state", order=1)
    serbia = builders.published_module("serbia", title="Serbian reform", order=2)
    zeta = qf.make_quiz(estonia, title="Zeta check")
    alpha = qf.make_quiz(estonia, title="Alpha check")
    cohort = cf.make_cohort(trainers=[people["trainer"]])
    cf.make_official_in(cohort, full_name="Anna Asipovich")
    services.assign_module(cohort, serbia, dt.date(2027, 1, 10), actor=people["staff"])
    services.assign_module(cohort, estonia, dt.date(2027, 1, 20), actor=people["staff"])
    services.assign_quiz(cohort, alpha, dt.date(2027, 1, 25), actor=people["staff"])
    services.assign_quiz(cohort, zeta, dt.date(2027, 1, 15), actor=people["staff"])
    db.session.commit()
    factories.sign_in(client, people["staff"])
    page = client.get(f"/cohorts/{cohort.id}").text

    modules = page.split('id="modules-heading"')[1].split("</section>")[0]
    listed, offered = modules.split("<select")
    assert listed.index("Serbian reform") < listed.index("Estonian state")
    assert offered.index("Estonian state") < offered.index("Serbian reform")
    quizzes = page.split('id="quizzes-heading"')[1].split("</section>")[0]
    listed, offered = quizzes.split("<select")
    assert listed.index("Zeta check") < listed.index("Alpha check")
    assert offered.index("Estonian state: Alpha check") < offered.index(
        "Estonian state: Zeta check")
    headings = page.split("<thead>")[1].split("</thead>")[0]
    columns = ["Serbian reform", "Estonian state", "Zeta check (best grade)",
               "Alpha check (best grade)"]
    assert sorted(columns, key=headings.index) == columns


def test_module_and_quiz_lists_keep_wtforms_markup(app):
    from wtforms.widgets import Select

    from lms.cohorts.forms import QuizAssignmentForm

    form = QuizAssignmentForm(meta={"csrf": False})
    form.quiz_id.choices = [(1, 'Quiz <1> "a" & \'b\''), (2, "Second"), (3, "")]
    form.quiz_id.data = 2
    assert form.quiz_id() == Select()(form.quiz_id)
    assert '<option selected value="2">Second</option>' in form.quiz_id()


def test_cohort_page_grid_shows_marks_progress_and_counts(client, people):
    from lms.attendance import services as attendance
    from lms.content.progress import mark_complete
    from tests.content import builders

    module = builders.published_module("estonia", lessons=4)
    cohort = cf.make_cohort(trainers=[people["trainer"]])
    anna = cf.make_official_in(cohort, full_name="Anna <Asipovich>")
    boris = cf.make_official_in(cohort, full_name="Boris Belski")
    first, second = (cf.make_session(cohort, starts_at=dt.datetime(2027, 1, d, 7, tzinfo=dt.UTC))
                     for d in (11, 12))
    attendance.set_attendance(first, {anna.id: ("late", ""), boris.id: ("absent", "")},
                              actor=people["staff"])
    attendance.set_attendance(second, {anna.id: ("present", "")}, actor=people["staff"])
    from lms.cohorts import services

    services.assign_module(cohort, module, None, actor=people["staff"])
    mark_complete(anna.id, module.lessons[0])
    db.session.commit()
    factories.sign_in(client, people["staff"])
    page = client.get(f"/cohorts/{cohort.id}").text
    anna_row = page.split("Anna &lt;Asipovich&gt;</th>")[1].split("</tr>")[0]
    boris_row = page.split("Boris Belski</th>")[1].split("</tr>")[0]
    assert '<td class="num">2 / 2</td>' in anna_row
    assert ('<td><span class="status status-late">Late</span></td>'
            '<td><span class="status status-present">Present</span></td>') in anna_row
    assert '<td class="num">25%</td>' in anna_row
    assert '<td class="num">0 / 2</td>' in boris_row
    assert ('<td><span class="status status-absent">Absent</span></td><td>—</td>'
            in boris_row)
    assert '<td class="num">0%</td>' in boris_row
    assert f'<input type="hidden" name="user_id" value="{boris.id}">' in boris_row
    assert "Unenrol<span class=\"visually-hidden\"> Boris Belski</span>" in boris_row


def test_home_page_lists_a_trainers_cohorts_and_an_officials_sessions(client, people):
    cohort = cf.make_cohort(trainers=[people["trainer"]], members=[people["official"]],
                            name="Hrodna pilot cohort")
    cf.make_session(cohort, title="Kick-off meeting")
    factories.sign_in(client, people["trainer"])
    assert "Hrodna pilot cohort" in client.get("/").text
    factories.sign_in(client, people["official"])
    home = client.get("/").text
    assert "Hrodna pilot cohort" in home and "Kick-off meeting" in home
