"""An official's own data export, and anonymisation that keeps every report figure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.accounts.models import AccountLink, User
from lms.attendance.models import Apology
from lms.audit import AuditEvent
from lms.certificates import services as certificates
from lms.extensions import db
from lms.privacy import services
from lms.reports import dashboard
from lms.reports.filters import ReportFilters
from lms.reports.queries import Scope
from tests import factories
from tests.certificates.builders import Seminar, attend, pass_quiz
from tests.cohorts import factories as cf


@pytest.fixture
def seminar(app):
    organisation = factories.make_organisation("Hrodna oblast executive committee")
    seminar = Seminar()
    people = [
        cf.make_official_in(seminar.cohort, full_name="Алена Петрова", gender="female",
                            gov_level="local", region="grodno", organisation_id=organisation.id,
                            position="Deputy head"),
        cf.make_official_in(seminar.cohort, full_name="Ivan Other", gender="male",
                            gov_level="central", region="minsk-city"),
    ]
    seminar.complete(people[0])
    attend(seminar.sessions[0], people[1], status="late")
    pass_quiz(seminar.post_test, people[1], grade=40)
    db.session.add(Apology(session_id=seminar.sessions[1].id, user_id=people[0].id,
                           reason="My daughter's wedding in Lida"))
    seminar.officials = people
    return seminar


def test_an_official_downloads_all_their_own_data_and_nobody_elses(client, seminar):
    alena, ivan = seminar.officials
    certificates.issue_by_hand(seminar.cohort, alena, "ok", actor=factories.make_user("staff"))
    factories.sign_in(client, alena)
    assert client.get("/my/data").status_code == 200
    response = client.get("/my/data.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["full_name"] == "Алена Петрова"
    assert data["profile"]["position"] == "Deputy head"
    assert data["organisation"]["name"] == "Hrodna oblast executive committee"
    assert data["roles"] == ["official"]
    assert [c["name"] for c in data["cohorts"]] == ["Deputy heads, Minsk"]
    assert len(data["attendance"]) == 2
    assert data["apologies"][0]["reason"] == "My daughter's wedding in Lida"
    assert len(data["progress"]) == 2 and all(p["completed_at"] for p in data["progress"])
    assert [a["grade"] for a in data["quiz_attempts"]] == [80.0]
    assert len(data["certificates"]) == 1
    assert any(e["action"] == "certificates.issued" for e in data["audit_events"])
    text = response.get_data(as_text=True)
    assert "Ivan Other" not in text and ivan.email not in text


def _report() -> dashboard.Report:
    filters = ReportFilters(dt.date.today() - dt.timedelta(days=30),
                            dt.date.today() + dt.timedelta(days=30))
    return dashboard.build_report(Scope(filters, now=dt.datetime.now(dt.UTC)),
                                  threshold=1, exact=True)


def test_anonymising_removes_identity_and_keeps_every_report_figure(seminar):
    alena = seminar.officials[0]
    admin = factories.make_user("admin")
    accounts.issue_link(alena, accounts.RESET, created_by=admin)
    accounts.authenticate(alena.email, "wrong password")  # audited with the email typed
    certificate = certificates.issue_by_hand(seminar.cohort, alena, "ok", actor=admin)
    db.session.commit()
    before = _report()
    version = alena.session_version

    services.anonymise(alena, actor=admin)
    db.session.commit()

    alena = db.session.get(User, alena.id)
    assert alena.full_name == f"Anonymised person #{alena.id}"
    assert alena.email == f"anonymised-{alena.id}@anonymised.invalid"
    assert alena.position is None and alena.password_hash is None
    assert not alena.is_active and alena.session_version == version + 1
    assert db.session.scalar(sa.select(sa.func.count(AccountLink.id))
                             .filter_by(user_id=alena.id)) == 0
    assert db.session.scalar(sa.select(Apology.reason).filter_by(user_id=alena.id)) == ""
    # What the reports count stays.
    assert (alena.gender, alena.gov_level, alena.region) == ("female", "local", "grodno")
    assert alena.organisation.name == "Hrodna oblast executive committee"
    after = _report()
    assert after.totals == before.totals
    assert after.breakdowns == before.breakdowns
    assert after.planned == before.planned
    assert before.totals.trained.value == 2
    # The certificate still checks out, under the anonymised name.
    assert certificates.find_by_code(certificate.code).holder.full_name.startswith("Anonymised")
    failed = db.session.scalar(sa.select(AuditEvent).filter_by(action="login.failed"))
    assert failed.target_id == alena.id and "email" not in failed.details
    event = db.session.scalar(sa.select(AuditEvent).filter_by(action="privacy.anonymised"))
    assert event.actor_id == admin.id and event.target_id == alena.id


def test_an_administrator_confirms_anonymisation_on_a_page_that_says_what_stays(client,
                                                                              seminar):
    alena = seminar.officials[0]
    admin = factories.make_user("admin")
    factories.sign_in(client, admin)
    url = f"/admin/people/{alena.id}/anonymise"
    page = client.get(url).get_data(as_text=True)
    assert "Алена Петрова" in page and "every count in the reports stays the same" in page
    assert client.post(url, data={}).status_code == 200  # not confirmed: nothing happens
    assert db.session.get(User, alena.id).full_name == "Алена Петрова"
    response = client.post(url, data={"confirm": "y"})
    assert response.status_code == 302
    assert db.session.get(User, alena.id).full_name.startswith("Anonymised person #")
    assert client.get(url).status_code == 302  # already done
    assert client.post(f"/admin/people/{admin.id}/anonymise",
                       data={"confirm": "y"}).status_code == 302
    assert db.session.get(User, admin.id).is_active  # not oneself
    assert client.get("/admin/people/999999/anonymise").status_code == 404
