"""Certificate pages: rules and issuing for staff, the official's transcript, public checks."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts.forms import ConfirmForm
from lms.accounts.models import User
from lms.certificates import pdf, policy, services, transcripts
from lms.certificates.forms import IssueForm, RevokeForm, RuleForm
from lms.certificates.models import Certificate
from lms.cohorts.models import Cohort
from lms.cohorts.services import load_cohort
from lms.extensions import db, limiter
from lms.security.permissions import Permission
from lms.security.policy import public, requires

bp = Blueprint("certificates", __name__)


def _me() -> User:
    return current_user._get_current_object()


def _language() -> str:
    return str(get_locale() or "en")


def _cohort(cohort_id: int) -> Cohort:
    cohort = load_cohort(cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _certificate(cohort: Cohort, certificate_id: int) -> Certificate:
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.cohort_id != cohort.id:
        abort(404)
    return certificate


def verify_url(code: str) -> str:
    """The public address of a certificate's check, as printed and put in the QR code."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base + url_for("certificates.verify_code", code=code)
    return url_for("certificates.verify_code", code=code, _external=True)


def _pdf_response(content: bytes, filename: str) -> Response:
    return Response(content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _certificate_pdf(certificate: Certificate) -> Response:
    content = pdf.certificate_pdf(certificate, verify_url=verify_url(certificate.code),
                                  language=_language())
    return _pdf_response(content, f"certificate-{certificate.code}.pdf")


# Staff --------------------------------------------------------------------------------------

def _manage_page(cohort: Cohort, *, rule_form=None, issue_form=None, status=200):
    rule = services.rule_for(cohort)
    standings = services.standings(cohort, rule)
    certificates = services.certificates_of(cohort)
    if rule_form is None:
        rule_form = RuleForm(obj=rule) if rule else RuleForm()
    valid = {c.user_id for c in certificates if not c.is_revoked}
    if issue_form is None:
        issue_form = IssueForm()
    issue_form.user_id.choices = [(s.user.id, s.user.full_name) for s in standings
                                  if s.user.id not in valid]
    return render_template(
        "certificates/manage.html", cohort=cohort, rule=rule, standings=standings,
        certificates=certificates, rule_form=rule_form, issue_form=issue_form,
        confirm_form=ConfirmForm(),
        has_post_test=any(q.quiz.purpose == "post_test" for q in cohort.quizzes),
    ), status


@bp.route("/cohorts/<int:cohort_id>/certificates")
@requires(Permission.CERTIFICATES_MANAGE)
def manage(cohort_id: int):
    """The cohort's completion rules, where each member stands, and its certificates."""
    return _manage_page(_cohort(cohort_id))


@bp.route("/cohorts/<int:cohort_id>/certificates/rules", methods=["POST"])
@requires(Permission.CERTIFICATES_MANAGE)
def save_rules(cohort_id: int):
    """Set the cohort's completion rules."""
    cohort = _cohort(cohort_id)
    form = RuleForm()
    if not form.validate_on_submit():
        return _manage_page(cohort, rule_form=form, status=400)
    services.save_rule(cohort, min_attendance_percent=form.min_attendance_percent.data,
                       require_post_test=form.require_post_test.data,
                       require_modules=form.require_modules.data, actor=_me())
    db.session.commit()
    flash(_("The completion rules are saved."), "success")
    return redirect(url_for("certificates.manage", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/certificates/issue-due", methods=["POST"])
@requires(Permission.CERTIFICATES_MANAGE)
def issue_due(cohort_id: int):
    """Issue certificates to every member who meets the rules and has none yet."""
    cohort = _cohort(cohort_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    issued = services.issue_due_certificates(cohort, actor=_me())
    db.session.commit()
    flash(ngettext("%(num)d certificate issued.", "%(num)d certificates issued.",
                   len(issued)), "success")
    return redirect(url_for("certificates.manage", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/certificates/issue", methods=["POST"])
@requires(Permission.CERTIFICATES_MANAGE)
def issue(cohort_id: int):
    """Issue one certificate by hand, with a reason."""
    cohort = _cohort(cohort_id)
    form = IssueForm()
    form.user_id.choices = [(u.id, u.full_name) for u in services.cohort_members(cohort)]
    if not form.validate_on_submit():
        return _manage_page(cohort, issue_form=form, status=400)
    try:
        services.issue_by_hand(cohort, db.session.get(User, form.user_id.data),
                               form.reason.data, actor=_me())
    except services.CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("certificates.manage", cohort_id=cohort.id))
    db.session.commit()
    flash(_("The certificate is issued."), "success")
    return redirect(url_for("certificates.manage", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/certificates/<int:certificate_id>/revoke",
          methods=["GET", "POST"])
@requires(Permission.CERTIFICATES_MANAGE)
def revoke(cohort_id: int, certificate_id: int):
    """Revoke a certificate, with a reason; its check then says so."""
    cohort = _cohort(cohort_id)
    certificate = _certificate(cohort, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(certificate, form.reason.data, actor=_me())
        except services.CertificateError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The certificate is revoked."), "success")
        return redirect(url_for("certificates.manage", cohort_id=cohort.id))
    return render_template("certificates/revoke.html", cohort=cohort, certificate=certificate,
                           form=form)


@bp.route("/cohorts/<int:cohort_id>/certificates/<int:certificate_id>.pdf")
@requires(Permission.CERTIFICATES_MANAGE)
def staff_pdf(cohort_id: int, certificate_id: int):
    """Any certificate of the cohort as PDF (marked when revoked)."""
    return _certificate_pdf(_certificate(_cohort(cohort_id), certificate_id))


# Officials ----------------------------------------------------------------------------------

@bp.route("/my/transcript")
@requires(Permission.LEARNING_OWN)
def my_transcript():
    """The official's modules, sessions, quiz results and certificates."""
    return render_template("certificates/transcript.html",
                           record=transcripts.transcript(_me()))


@bp.route("/my/transcript.pdf")
@requires(Permission.LEARNING_OWN)
def my_transcript_pdf():
    """The transcript as PDF, in the official's language."""
    content = pdf.transcript_pdf(transcripts.transcript(_me()), language=_language())
    return _pdf_response(content, "transcript.pdf")


@bp.route("/my/certificates/<int:certificate_id>.pdf")
@requires(Permission.LEARNING_OWN)
def my_certificate_pdf(certificate_id: int):
    """One of the official's own valid certificates as PDF."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not policy.is_holder(_me(), certificate):
        abort(404)
    return _certificate_pdf(certificate)


# Everyone -----------------------------------------------------------------------------------

def _verify_limit() -> str:
    return current_app.config.get("VERIFY_LIMIT_PER_IP", "30 per minute")


# One budget per address for both pages, so typed codes and QR links count together.
verify_limit = limiter.shared_limit(_verify_limit, scope="certificate-verification")


def _unknown(code: str):
    return render_template("certificates/verify.html", unknown=True, code=code[:64]), 404


@bp.route("/verify")
@public
@verify_limit
def verify():
    """A form to type a certificate's code; the answer is on the code's own page."""
    code = request.args.get("code", "").strip()
    if not code:
        return render_template("certificates/verify.html")
    normalised = services.normalise_code(code)
    if not normalised:
        return _unknown(code)
    return redirect(url_for("certificates.verify_code", code=normalised))


@bp.route("/verify/<code>")
@public
@verify_limit
def verify_code(code: str):
    """Whether the certificate is valid or revoked, its holder, cohort and date; nothing else."""
    certificate = services.find_by_code(code)
    if certificate is None:
        return _unknown(code)
    return render_template("certificates/verified.html", certificate=certificate)
