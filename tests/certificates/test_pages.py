"""Certificate pages: staff rules and issuing, the official's downloads, the public check."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from lms.certificates import services
from lms.certificates.models import Certificate, CompletionRule
from lms.extensions import db
from tests import factories
from tests.certificates.builders import Seminar
from tests.cohorts import factories as cf
from tests.cohorts.factories import QueryCounter

NAMES = ("Ўладзімір Ёлкін", "Uładzimir Jołkin: ŭ ć ž š ł", "Anna")


@pytest.fixture
def seminar(app):
    seminar = Seminar(names=NAMES)
    seminar.complete(seminar.officials[0])
    seminar.complete(seminar.officials[1])
    return seminar


def test_staff_set_rules_and_issue_due_certificates_from_the_cohort_page(client, seminar):
    staff = factories.make_user("staff")
    factories.sign_in(client, staff)
    url = f"/cohorts/{seminar.cohort.id}/certificates"
    assert client.get(url).status_code == 200
    response = client.post(url + "/rules", data={"min_attendance_percent": "80",
                                                 "require_post_test": "y",
                                                 "require_modules": "y"})
    assert response.status_code == 302
    rule = db.session.scalar(sa.select(CompletionRule))
    assert (rule.min_attendance_percent, rule.require_post_test, rule.require_modules) == (
        80, True, True)
    assert client.post(url + "/rules", data={"min_attendance_percent": "150"}).status_code == 400

    response = client.post(url + "/issue-due", follow_redirects=True)
    assert "2 certificates issued." in response.get_data(as_text=True)
    response = client.post(url + "/issue-due", follow_redirects=True)
    assert "0 certificates issued." in response.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert NAMES[0] in page and "Rules met" in page


def test_staff_issue_by_hand_with_a_reason_and_revoke_with_a_reason(client, seminar):
    staff = factories.make_user("staff")
    factories.sign_in(client, staff)
    anna = seminar.officials[2]
    url = f"/cohorts/{seminar.cohort.id}/certificates"
    assert client.post(url + "/issue", data={"user_id": anna.id, "reason": ""}).status_code == 400
    client.post(url + "/issue", data={"user_id": anna.id, "reason": "Attended elsewhere"})
    certificate = db.session.scalar(sa.select(Certificate).filter_by(user_id=anna.id))
    assert certificate.issue_reason == "Attended elsewhere"
    revoke_url = f"{url}/{certificate.id}/revoke"
    assert client.get(revoke_url).status_code == 200
    client.post(revoke_url, data={"reason": ""})
    db.session.refresh(certificate)
    assert not certificate.is_revoked
    client.post(revoke_url, data={"reason": "Wrong person"})
    db.session.refresh(certificate)
    assert certificate.is_revoked and certificate.revoke_reason == "Wrong person"
    staff_pdf = client.get(f"{url}/{certificate.id}.pdf")
    assert staff_pdf.mimetype == "application/pdf" and staff_pdf.data.startswith(b"%PDF")


def test_a_certificate_of_another_cohort_is_not_found_under_this_one(client, seminar):
    factories.sign_in(client, factories.make_user("staff"))
    certificate = services.issue_by_hand(seminar.cohort, seminar.officials[2], "ok",
                                         actor=factories.make_user("staff"))
    other = cf.make_cohort()
    assert client.get(f"/cohorts/{other.id}/certificates/{certificate.id}.pdf").status_code == 404


def test_official_downloads_own_certificate_with_cyrillic_and_latin_names(client, seminar):
    staff = factories.make_user("staff")
    seminar.set_rules(staff)
    issued = services.issue_due_certificates(seminar.cohort)
    assert len(issued) == 2
    issued.sort(key=lambda c: seminar.officials.index(c.holder))
    seminar.officials[0].language, seminar.officials[1].language = "be", "ru"
    for official, certificate in zip(seminar.officials, issued, strict=False):
        factories.sign_in(client, official)
        response = client.get(f"/my/certificates/{certificate.id}.pdf")
        assert response.status_code == 200 and response.data.startswith(b"%PDF")
        assert "attachment" in response.headers["Content-Disposition"]
    # The second official cannot download the first one's certificate.
    assert client.get(f"/my/certificates/{issued[0].id}.pdf").status_code == 404
    services.revoke(issued[1], "error", actor=staff)
    assert client.get(f"/my/certificates/{issued[1].id}.pdf").status_code == 404


@pytest.mark.parametrize("language", ["en", "ru", "be"])
def test_transcript_page_and_pdf_in_each_language(client, seminar, language):
    official = seminar.officials[1]
    official.language = language
    services.issue_by_hand(seminar.cohort, official, "ok", actor=factories.make_user("staff"))
    factories.sign_in(client, official)
    page = client.get("/my/transcript").get_data(as_text=True)
    assert "Foundations" in page and "Final test" in page and "Deputy heads, Minsk" in page
    response = client.get("/my/transcript.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_the_public_check_shows_valid_or_revoked_and_nothing_else(client, seminar):
    staff = factories.make_user("staff")
    anna = seminar.officials[0]
    anna.position = "Deputy head of department"
    certificate = services.issue_by_hand(seminar.cohort, anna, "ok", actor=staff)
    code = certificate.code
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "This certificate is valid." in page
    assert NAMES[0] in page and "Deputy heads, Minsk" in page
    assert anna.email not in page and "Deputy head of department" not in page
    # The code as printed, typed into the form, leads to the same page.
    response = client.get("/verify", query_string={"code": certificate.display_code.lower()})
    assert response.status_code == 302 and response.location.endswith(f"/verify/{code}")
    services.revoke(certificate, "Wrong person", actor=staff)
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "This certificate has been revoked." in page and "Wrong person" not in page


def test_an_unknown_code_gets_a_clear_page_and_404(client):
    response = client.get("/verify/ABCDEFGHJKMNPQRS")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)
    assert client.get("/verify/<script>").status_code == 404
    assert client.get("/verify").status_code == 200
    typed = client.get("/verify", query_string={"code": "not/a code"})
    assert typed.status_code == 404 and "No certificate has this code" in typed.text


def test_the_public_check_is_rate_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, VERIFY_LIMIT_PER_IP="3 per minute")
    client = app.test_client()
    codes = [client.get("/verify/ABCDEFGHJKMNPQRS").status_code for _ in range(2)]
    codes.append(client.get("/verify", query_string={"code": "ABCD"}).status_code)
    codes.append(client.get("/verify/ABCDEFGHJKMNPQRS").status_code)
    assert codes == [404, 404, 404, 429]
    other = client.get("/verify/ABCDEFGHJKMNPQRS", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404


def test_the_qr_code_points_at_the_public_base_url(make_app):
    app = make_app(PUBLIC_BASE_URL="https://lms.example.by")
    with app.test_request_context():
        from lms.certificates.views import verify_url

        assert verify_url("ABCD") == "https://lms.example.by/verify/ABCD"


def test_the_certificates_page_runs_the_same_number_of_queries_for_more_members(client):
    staff = factories.make_user("staff")
    factories.sign_in(client, staff)
    seminar = Seminar(names=("A",))
    seminar.set_rules(staff)
    services.issue_by_hand(seminar.cohort, seminar.officials[0], "ok", actor=staff)
    url = f"/cohorts/{seminar.cohort.id}/certificates"

    def count() -> int:
        db.session.commit()
        with QueryCounter(db.engine) as counter:
            assert client.get(url).status_code == 200
        return counter.count

    small = count()
    people = cf.add_members(seminar.cohort, 15)
    for person in people[:5]:
        seminar.complete(person)
        services.issue_by_hand(seminar.cohort, person, "ok", actor=staff)
    assert count() == small


def test_the_transcript_runs_the_same_number_of_queries_for_a_longer_record(client):
    staff = factories.make_user("staff")
    first = Seminar(names=("Anna",))
    anna = first.officials[0]
    first.complete(anna)
    services.issue_by_hand(first.cohort, anna, "ok", actor=staff)
    factories.sign_in(client, anna)

    def count(url: str) -> int:
        db.session.commit()
        with QueryCounter(db.engine) as counter:
            assert client.get(url).status_code == 200
        return counter.count

    small = [count("/my/transcript"), count("/my/data.json")]
    for _ in range(2):
        more = Seminar()
        db.session.add(cf_member(more.cohort, anna))
        more.complete(anna)
        services.issue_by_hand(more.cohort, anna, "ok", actor=staff)
    assert [count("/my/transcript"), count("/my/data.json")] == small


def cf_member(cohort, official):
    from lms.cohorts.models import CohortMember

    return CohortMember(cohort_id=cohort.id, user_id=official.id)
