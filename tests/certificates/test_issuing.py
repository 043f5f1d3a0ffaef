"""Completion rules, automatic and hand issuing, revocation: the services without HTTP."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.audit import AuditEvent
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.extensions import db
from tests import factories
from tests.certificates.builders import Seminar, attend, pass_quiz


@pytest.fixture
def staff(app):
    return factories.make_user("staff")


def _holders(cohort) -> set[int]:
    return set(db.session.scalars(sa.select(Certificate.user_id).filter_by(cohort_id=cohort.id)))


def test_only_the_official_who_meets_every_rule_gets_a_certificate_and_only_once(staff):
    seminar = Seminar(names=("Anna Done", "Boris Half", "Vera Absent"))
    done, half, absent = seminar.officials
    seminar.complete(done)
    attend(seminar.sessions[0], half)           # 1 of 2 sessions: 50 %
    pass_quiz(seminar.post_test, half)
    pass_quiz(seminar.post_test, absent, grade=30)
    seminar.set_rules(staff)

    issued = services.issue_due_certificates(seminar.cohort, actor=staff)
    assert [c.user_id for c in issued] == [done.id]
    assert issued[0].training_minutes == 5 * 60  # 3 h + 2 h attended; the future one not held
    assert issued[0].is_automatic
    assert services.issue_due_certificates(seminar.cohort, actor=staff) == []
    assert _holders(seminar.cohort) == {done.id}
    events = db.session.scalars(sa.select(AuditEvent).filter_by(action="certificates.issued"))
    assert [e.details["holder_id"] for e in events] == [done.id]


def test_each_rule_is_optional(staff):
    seminar = Seminar(names=("Anna", "Boris"))
    anna, boris = seminar.officials
    attend(seminar.sessions[0], anna)
    attend(seminar.sessions[1], anna, status="late")  # late still counts as attended
    attend(seminar.sessions[0], boris)
    seminar.set_rules(staff, attendance=100, post_test=False, modules=False)
    standing = {s.user.id: s for s in services.standings(seminar.cohort,
                                                         services.rule_for(seminar.cohort))}
    assert standing[anna.id].attendance_percent == 100.0 and standing[anna.id].meets_rules
    assert standing[boris.id].attendance_percent == 50.0 and not standing[boris.id].meets_rules
    assert [c.user_id for c in services.issue_due_certificates(seminar.cohort)] == [anna.id]


def test_a_cohort_without_rules_issues_nothing_automatically(staff):
    seminar = Seminar(names=("Anna",))
    seminar.complete(seminar.officials[0])
    assert services.issue_due_certificates(seminar.cohort) == []
    seminar.set_rules(staff, attendance=None, post_test=False, modules=False)
    assert services.issue_due_certificates(seminar.cohort) == []


def test_the_post_test_rule_needs_a_pass_on_the_assigned_post_test(staff):
    seminar = Seminar(names=("Anna", "Boris"), with_module=False)
    anna, boris = seminar.officials
    pass_quiz(seminar.post_test, anna, grade=60)   # exactly the pass mark
    pass_quiz(seminar.post_test, boris, grade=59)
    seminar.set_rules(staff, attendance=None, post_test=True, modules=False)
    assert [c.user_id for c in services.issue_due_certificates(seminar.cohort)] == [anna.id]


def test_a_revoked_certificate_is_not_issued_again_automatically_but_can_be_by_hand(staff):
    seminar = Seminar(names=("Anna",))
    anna = seminar.officials[0]
    seminar.complete(anna)
    seminar.set_rules(staff)
    [certificate] = services.issue_due_certificates(seminar.cohort)
    with pytest.raises(services.CertificateError):
        services.revoke(certificate, "  ", actor=staff)
    services.revoke(certificate, "Issued in error", actor=staff)
    assert certificate.is_revoked and certificate.revoke_reason == "Issued in error"
    with pytest.raises(services.CertificateError):
        services.revoke(certificate, "again", actor=staff)
    assert services.issue_due_certificates(seminar.cohort) == []

    with pytest.raises(services.CertificateError):
        services.issue_by_hand(seminar.cohort, anna, "", actor=staff)
    again = services.issue_by_hand(seminar.cohort, anna, "Name corrected", actor=staff)
    assert not again.is_automatic and again.issued_by_id == staff.id
    assert again.code != certificate.code
    with pytest.raises(services.CertificateError, match="already holds"):
        services.issue_by_hand(seminar.cohort, anna, "twice", actor=staff)
    actions = [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("certificates.issued") == 2
    assert actions.count("certificates.revoked") == 1


def test_only_members_can_be_given_a_certificate_by_hand(staff):
    seminar = Seminar()
    outsider = factories.make_user("official")
    with pytest.raises(services.CertificateError, match="not a member"):
        services.issue_by_hand(seminar.cohort, outsider, "Asked for it", actor=staff)


def test_codes_are_long_random_and_typed_in_any_case_with_dashes(staff):
    seminar = Seminar(names=("Anna",))
    certificate = services.issue_by_hand(seminar.cohort, seminar.officials[0], "Attended",
                                         actor=staff)
    assert len(certificate.code) == 16
    assert services.find_by_code(certificate.display_code.lower()) == certificate
    assert services.find_by_code(" " + certificate.code + " ") == certificate
    assert services.find_by_code("ABCD") is None
    assert services.find_by_code("0" * 16) is None  # 0 is never used
    assert len({services.new_code() for _ in range(1000)}) == 1000


def test_the_command_issues_due_certificates_in_every_cohort(app, staff):
    seminar = Seminar(names=("Anna",))
    seminar.complete(seminar.officials[0])
    seminar.set_rules(staff)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "issue"])
    assert result.exit_code == 0, result.output
    assert "1 certificates issued in 1 cohorts" in result.output
    result = runner.invoke(args=["certificates", "issue"])
    assert "0 certificates issued" in result.output
    assert _holders(seminar.cohort) == {seminar.officials[0].id}
