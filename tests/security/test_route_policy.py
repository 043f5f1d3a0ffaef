"""Every route, every role: who gets in, who is refused, and that no route is left open."""

from __future__ import annotations

import pytest
from flask import url_for

from lms.security.policy import declared_permission
from tests import factories
from tests.cohorts import factories as cohort_factories
from tests.plans import factories as plan_factories
from tests.quizzes import factories as quiz_factories
from tests.surveys import factories as survey_factories

ANONYMOUS = "anonymous"
SIGNED_IN = {"official", "trainer", "staff", "analyst", "admin"}
REPORT_READERS = {"trainer", "staff", "analyst"}
EVERYONE = {ANONYMOUS} | SIGNED_IN

# Who may use each endpoint. A new route must be added here, or the test below fails.
EXPECTED = {
    "static": EVERYONE,
    "site.health": EVERYONE,
    "site.set_language": EVERYONE,
    "site.home": SIGNED_IN,
    "accounts.login": EVERYONE,
    "accounts.use_link": EVERYONE,
    "accounts.logout": SIGNED_IN,
    "accounts.profile": SIGNED_IN,
    "accounts.change_password": SIGNED_IN,
    "admin.users": {"admin"},
    "admin.new_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.set_active": {"admin"},
    "admin.issue_link": {"admin"},
    "admin.organisations": {"admin", "staff"},
    "admin.edit_organisation": {"admin", "staff"},
    "admin.audit_log": {"admin"},
    # Reports: trainers see their own cohorts' figures, staff and analysts the programme's.
    "reports.index": REPORT_READERS,
    "reports.table": REPORT_READERS,
    "reports.raw_records": REPORT_READERS,
    "reports.donor_summary": REPORT_READERS,
    # Modules: every signed-in person reads published modules; officials record progress.
    "content.modules": SIGNED_IN,
    "content.module": SIGNED_IN,
    "content.lesson": SIGNED_IN,
    "content.attachment": SIGNED_IN,
    "content.mark_read": {"official"},
    "authoring.index": {"trainer"},
    "authoring.new_module": {"trainer"},
    "authoring.edit_module": {"trainer"},
    "authoring.module_text": {"trainer"},
    "authoring.new_lesson": {"trainer"},
    "authoring.edit_lesson": {"trainer"},
    "authoring.preview": {"trainer"},
    "authoring.move_lesson": {"trainer"},
    "authoring.delete_lesson": {"trainer"},
    "authoring.set_status": {"trainer"},
    "authoring.history": {"trainer"},
    "authoring.compare": {"trainer"},
    "authoring.restore": {"trainer"},
    "authoring.add_attachment": {"trainer"},
    "authoring.delete_attachment": {"trainer"},
    "authoring.export": {"trainer"},
    "authoring.import_zip": {"trainer"},
    # Cohorts: staff manage all; a trainer sees only cohorts they train, so the walked
    # cohort (trained by nobody) is refused to trainers (tests/cohorts checks their own).
    "cohorts.index": {"trainer", "staff"},
    "cohorts.show": {"staff"},
    "cohorts.new": {"staff"},
    "cohorts.edit": {"staff"},
    "cohorts.archive": {"staff"},
    "cohorts.assign_module": {"staff"},
    "cohorts.unassign_module": {"staff"},
    "cohorts.assign_quiz": {"staff"},
    "cohorts.unassign_quiz": {"staff"},
    "cohorts.enrol": {"staff"},
    "cohorts.unenrol": {"staff"},
    "cohorts.upload": {"staff"},
    "cohorts.import_preview": {"staff"},
    "cohorts.import_apply": {"staff"},
    "cohorts.invitations_csv": {"staff"},
    "cohorts.roster_csv": {"staff"},
    "cohorts.roster_xlsx": {"staff"},
    # Attendance: likewise for the walked session; officials answer 404 for sessions of
    # cohorts they are not in (tests/attendance checks members).
    "attendance.new_session": {"staff"},
    "attendance.edit_session": {"staff"},
    "attendance.register": {"staff"},
    "attendance.control_check_in": {"staff"},
    "attendance.display_code": {"staff"},
    "attendance.decide_apology": {"staff"},
    "attendance.sign_in_sheet": {"staff"},
    "attendance.check_in": {"official"},
    "attendance.apology": {"official"},
    "attendance.my_seminars": {"official"},
    "attendance.my_calendar": {"official"},
    # Quizzes: the walked attempt belongs to another official, so officials get 404 for it.
    "quizzes.index": {"trainer", "staff"},
    "quizzes.bank_page": {"trainer"},
    "quizzes.import_gift": {"trainer"},
    "quizzes.export_gift": {"trainer"},
    "quizzes.new_question": {"trainer"},
    "quizzes.edit_question": {"trainer"},
    "quizzes.new_quiz": {"trainer"},
    "quizzes.create_pair": {"trainer"},
    "quizzes.edit_quiz": {"trainer"},
    "quizzes.add_question_slot": {"trainer"},
    "quizzes.add_random_slot": {"trainer"},
    "quizzes.remove_slot": {"trainer"},
    "quizzes.grading_queue": {"trainer"},
    "quizzes.grade_essay": {"trainer"},
    "quizzes.regrade": {"trainer"},
    "quizzes.results": {"trainer", "staff"},
    "quizzes.analysis": {"trainer", "staff"},
    "quizzes.gain": {"trainer", "staff"},
    "quizzes.attempt_report": {"trainer", "staff"},
    "quizzes.quiz_page": {"official"},
    "quizzes.start": {"official"},
    "quizzes.attempt": {"official"},
    "quizzes.save": {"official"},
    "quizzes.submit": {"official"},
    "quizzes.review": {"official"},
    # Certificates: the walked certificate belongs to another official, so officials get 404
    # for its PDF; the check by code is public (tests/certificates checks holders).
    "certificates.manage": {"staff"},
    "certificates.save_rules": {"staff"},
    "certificates.issue_due": {"staff"},
    "certificates.issue": {"staff"},
    "certificates.revoke": {"staff"},
    "certificates.staff_pdf": {"staff"},
    "certificates.my_transcript": {"official"},
    "certificates.my_transcript_pdf": {"official"},
    "certificates.my_certificate_pdf": {"official"},
    "certificates.verify": EVERYONE,
    "certificates.verify_code": EVERYONE,
    "privacy.my_data": {"official"},
    "privacy.my_data_json": {"official"},
    "privacy.anonymise": {"admin"},
    # API: like the pages, trainers get 404 for the walked cohort (trained by nobody);
    # anonymous callers get 401 problem details, never the login page.
    "api.cohorts": {"trainer", "staff"},
    "api.cohort": {"trainer", "staff"},
    "api.cohort_sessions": {"trainer", "staff"},
    "api.cohort_attendance": {"trainer", "staff"},
    "api.session_attendance": {"trainer", "staff"},
    "api.cohort_quiz_results": {"trainer", "staff"},
    "api.cohort_statements": {"trainer", "staff"},
    "api.my_attendance": {"official"},
    "api.my_quiz_results": {"official"},
    "api.my_statements": {"official"},
    "api.report_figures": REPORT_READERS,
    "api.openapi_document": EVERYONE,
    "api.docs": EVERYONE,
    # The walked token belongs to another person, so revoking it answers 404.
    "api_tokens.index": {"staff", "admin"},
    "api_tokens.revoke": {"staff", "admin"},
    # Implementation plans: the walked plan's authors are other officials and its cohort is
    # trained by nobody, so only staff reach it; authors-only routes refuse everyone here
    # (tests/plans checks authors and the cohort's trainers).
    "plans.mine": {"official"},
    "plans.start": {"official"},
    "plans.show": {"staff"},
    "plans.edit": set(),
    "plans.add_milestone": set(),
    "plans.remove_milestone": set(),
    "plans.add_author": set(),
    "plans.submit": set(),
    "plans.follow_up": set(),
    "plans.reviews": {"trainer", "staff"},
    "plans.review": {"staff"},
    "plans.programme_table": {"staff"},
    "plans.export": {"staff"},
    # Feedback surveys: the walked form's cohort is trained by nobody and has no members,
    # so trainers are refused its results and officials get 404 (tests/surveys checks both).
    "surveys.index": {"trainer", "staff"},
    "surveys.template": {"trainer", "staff"},
    "surveys.new_template": {"trainer", "staff"},
    "surveys.add_question": {"trainer", "staff"},
    "surveys.new": {"staff"},
    "surveys.results": {"staff"},
    "surveys.export": {"staff"},
    "surveys.answer": {"official"},
}


def test_every_route_declares_a_permission_and_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    with app.test_request_context():
        undeclared = sorted(e for e in endpoints if declared_permission(e) is None)
    assert undeclared == []
    assert sorted(endpoints - EXPECTED.keys()) == [], "add new routes to EXPECTED"
    assert sorted(EXPECTED.keys() - endpoints) == []


def test_a_route_without_a_permission_is_refused(make_app):
    app = make_app()

    @app.route("/forgotten")
    def forgotten():
        return "open"

    assert app.test_client().get("/forgotten").status_code == 403


class Subjects:
    """Objects the walked routes point at, made once per test and on first use."""

    def __init__(self):
        self._made = {}

    def get(self, name: str, build):
        if name not in self._made:
            self._made[name] = build()
        return self._made[name]

    @property
    def person(self):
        return self.get("person", lambda: factories.make_user("official",
                                                              email="subject@example.org"))


def _reset_token(subjects: Subjects) -> str:
    from lms.accounts import services

    return services.issue_link(subjects.person, services.RESET, created_by=None)


def _cohort(subjects: Subjects):
    return subjects.get("cohort", cohort_factories.make_cohort)


def _session(subjects: Subjects):
    return subjects.get("session", lambda: cohort_factories.make_session(_cohort(subjects)))


def _quiz_ids(subjects: Subjects) -> dict[str, int]:
    """A paired pre-test with an attempt by the subject official, kept as plain ids."""

    def build():
        quiz = quiz_factories.make_quiz(purpose="pre_test",
                                        paired_quiz_id=quiz_factories.make_quiz().id)
        attempt = quiz_factories.start(quiz, subjects.person)
        return {"module_id": quiz.module_id, "quiz_id": quiz.id,
                "question_id": quiz.slots[0].question_id, "slot_id": quiz.slots[0].id,
                "attempt_id": attempt.id, "item_id": attempt.items[-1].id}

    return subjects.get("quiz-ids", build)


def _content_module(subjects: Subjects):
    from tests.content import builders

    return subjects.get("content-module", lambda: builders.published_module("walked", lessons=2))


def _attachment(subjects: Subjects):
    from lms.content import attachments
    from tests.content.test_authoring import PDF

    return subjects.get("attachment", lambda: attachments.add_attachment(
        _content_module(subjects), "walked.pdf", PDF, actor=None))


def _plan_ids(subjects: Subjects) -> dict[str, int]:
    """An accepted plan in the walked cohort with a milestone and a follow-up, as plain ids."""
    from lms.plans.models import PlanStatus

    def build():
        plan = plan_factories.make_plan(_cohort(subjects), status=PlanStatus.ACCEPTED)
        follow_up = plan_factories.make_follow_up(plan)
        return {"plan_id": plan.id, "milestone_id": plan.milestones[0].id,
                "follow_up_id": follow_up.id}

    return subjects.get("plan-ids", build)


def _api_token_id(subjects: Subjects) -> int:
    from lms.api import tokens

    return tokens.create_token(subjects.person, name="walked", scopes=["cohorts:read"],
                               days=1)[0].id


def _certificate(subjects: Subjects):
    from tests.certificates.builders import make_certificate

    return subjects.get("certificate",
                        lambda: make_certificate(_cohort(subjects), subjects.person))


# How to fill each URL argument. A new kind of argument gets a builder here.
URL_ARGUMENTS = {
    "user_id": lambda s: s.person.id,
    "org_id": lambda s: s.get("organisation", factories.make_organisation).id,
    "token": lambda s: s.get("token", lambda: _reset_token(s)),
    "filename": lambda s: "css/app.css",
    # Kept as plain values: a walked POST may delete the lesson or the file.
    "slug": lambda s: s.get("module-slug", lambda: _content_module(s).slug),
    "lesson_slug": lambda s: s.get("lesson-slug", lambda: _content_module(s).lessons[0].slug),
    "lesson_id": lambda s: s.get("lesson-id", lambda: _content_module(s).lessons[0].id),
    "attachment_id": lambda s: s.get("attachment-id", lambda: _attachment(s).id),
    "language": lambda s: "ru",
    "table": lambda s: "summary",
    "extension": lambda s: "xlsx",  # both download routes offer it
    "kind": lambda s: "participation",
    "number": lambda s: 1,
    "certificate_id": lambda s: _certificate(s).id,
    "code": lambda s: _certificate(s).code,
    "cohort_id": lambda s: _cohort(s).id,
    "token_id": lambda s: s.get("api-token", lambda: _api_token_id(s)),
    "import_id": lambda s: s.get("import", lambda: cohort_factories.make_import(_cohort(s))).id,
    "session_id": lambda s: _session(s).id,
    "apology_id": lambda s: s.get("apology",
                                  lambda: cohort_factories.make_apology(_session(s))).id,
    **{name: (lambda s, name=name: _quiz_ids(s)[name])
       for name in ("module_id", "quiz_id", "question_id", "slot_id", "attempt_id", "item_id")},
    **{name: (lambda s, name=name: _plan_ids(s)[name])
       for name in ("plan_id", "milestone_id", "follow_up_id")},
    "survey_id": lambda s: s.get("survey", lambda: survey_factories.make_survey(_cohort(s))).id,
    "template_id": lambda s: survey_factories.standard_template().id,
}


def _url_values(rule, subjects: Subjects) -> dict:
    defaults = rule.defaults or {}
    return {arg: URL_ARGUMENTS[arg](subjects) for arg in rule.arguments if arg not in defaults}


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_each_role_reaches_exactly_the_routes_it_should(app, role):
    actor = None if role == ANONYMOUS else factories.make_user(role)
    subjects = Subjects()
    checked = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        values = _url_values(rule, subjects)
        with app.test_request_context():
            url = url_for(rule.endpoint, **values, **(rule.defaults or {}))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            client = app.test_client()
            if actor is not None:
                factories.sign_in(client, actor)
            response = client.open(url, method=method)
            response.close()
            allowed = role in EXPECTED[rule.endpoint]
            where = f"{method} {url} as {role}: {response.status_code}"
            sent_to_login = response.status_code == 302 and "/login" in response.location
            if allowed:
                assert response.status_code not in (401, 403), where
                assert not sent_to_login or rule.endpoint == "accounts.logout", where
            elif role == ANONYMOUS:
                assert sent_to_login or response.status_code == 401, where
            else:
                assert response.status_code == 403, where
            checked += 1
    assert checked >= len(EXPECTED)
