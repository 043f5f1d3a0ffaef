"""The certificate (A4 landscape, with a QR code to check it) and the transcript as PDF.

Both embed DejaVuSans, which has Cyrillic and the Belarusian Latin letters (ŭ ć ž š ł).
"""

from __future__ import annotations

import io

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _

from lms.attendance.documents import FONT
from lms.certificates.models import Certificate
from lms.certificates.transcripts import Transcript
from lms.cohorts.services import module_title
from lms.quizzes.forms import PURPOSE_LABELS

FONT_NAME = "DejaVu"
MODULES_SHOWN = 6


def _document(orientation: str):
    from fpdf import FPDF

    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.add_font(FONT_NAME, "", str(FONT))
    pdf.set_font(FONT_NAME, size=11)
    return pdf


def _qr_png(url: str) -> io.BytesIO:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


def certificate_pdf(certificate: Certificate, *, verify_url: str, language: str) -> bytes:
    cohort = certificate.cohort
    pdf = _document("L")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_draw_color(40, 80, 130)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)

    pdf.set_y(24)
    pdf.set_font(FONT_NAME, size=11)
    pdf.cell(0, 6, current_app.config["PROGRAMME_NAME"], align="C", new_x="LMARGIN",
             new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT_NAME, size=28)
    pdf.cell(0, 14, _("Certificate of completion"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT_NAME, size=12)
    pdf.cell(0, 7, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_NAME, size=22)
    pdf.multi_cell(0, 12, certificate.holder.full_name, align="C", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.set_font(FONT_NAME, size=12)
    pdf.cell(0, 7, _("completed the training of the cohort"), align="C", new_x="LMARGIN",
             new_y="NEXT")
    pdf.set_font(FONT_NAME, size=16)
    pdf.multi_cell(0, 9, cohort.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_NAME, size=11)
    dates = f"{format_date(cohort.starts_on, 'long')} – {format_date(cohort.ends_on, 'long')}"
    pdf.cell(0, 7, dates, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, _("Hours of training (sessions attended): %(hours)s",
                     hours=_hours(certificate.training_minutes)),
             align="C", new_x="LMARGIN", new_y="NEXT")
    titles = [module_title(m.module, language) for m in cohort.modules]
    if len(titles) > MODULES_SHOWN:
        # The page has room for a few lines; the transcript lists every module.
        more = len(titles) - MODULES_SHOWN
        titles = titles[:MODULES_SHOWN] + [_("and %(num)d more", num=more)]
    if titles:
        pdf.ln(2)
        pdf.set_font(FONT_NAME, size=10)
        pdf.set_x(40)
        pdf.multi_cell(217, 5.5, _("Modules covered: %(modules)s", modules="; ".join(titles)),
                       align="C", new_x="LMARGIN", new_y="NEXT")

    # Foot: the date and code on the left, the QR code that opens the check on the right.
    pdf.set_font(FONT_NAME, size=10)
    pdf.set_xy(22, 160)
    pdf.cell(190, 6, _("Issued on %(date)s", date=format_date(certificate.issued_at.date(),
                                                             "long")),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.cell(190, 6, _("Verification code: %(code)s", code=certificate.display_code),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.set_font(FONT_NAME, size=8)
    pdf.cell(190, 5, _("Check this certificate at %(url)s", url=verify_url))
    if certificate.is_revoked:
        pdf.set_text_color(180, 0, 0)
        pdf.set_font(FONT_NAME, size=14)
        pdf.set_xy(22, 150)
        pdf.cell(190, 8, _("REVOKED"))
        pdf.set_text_color(0, 0, 0)
    # The QR code is also a link, for whoever reads the PDF on a screen.
    pdf.image(_qr_png(verify_url), x=244, y=157, w=34, h=34, link=verify_url,
              alt_text=verify_url)
    return bytes(pdf.output())


def transcript_pdf(record: Transcript, *, language: str) -> bytes:
    from fpdf.fonts import FontFace

    pdf = _document("P")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    headings = FontFace(emphasis=None, fill_color=(230, 235, 240))
    pdf.set_font(FONT_NAME, size=9)
    pdf.cell(0, 5, current_app.config["PROGRAMME_NAME"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_NAME, size=18)
    pdf.cell(0, 10, _("Transcript"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT_NAME, size=12)
    pdf.multi_cell(0, 7, record.user.full_name, new_x="LMARGIN", new_y="NEXT")
    if record.user.organisation:
        pdf.set_font(FONT_NAME, size=10)
        pdf.multi_cell(0, 6, record.user.organisation.name, new_x="LMARGIN", new_y="NEXT")

    def section(title: str, header: tuple, rows: list[tuple], widths: tuple) -> None:
        pdf.ln(4)
        pdf.set_font(FONT_NAME, size=13)
        pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT_NAME, size=9)
        if not rows:
            pdf.cell(0, 6, _("None yet."), new_x="LMARGIN", new_y="NEXT")
            return
        with pdf.table(col_widths=widths, line_height=6, text_align="LEFT",
                       first_row_as_headings=True, repeat_headings=1,
                       headings_style=headings) as table:
            for values in (header, *rows):
                row = table.row()
                for value in values:
                    row.cell(str(value))

    section(_("Modules completed"), (_("Module"), _("Completed on")),
            [(module_title(m.module, language), format_date(m.completed_on))
             for m in record.modules], (140, 50))
    section(_("Sessions attended"), (_("Session"), _("Cohort"), _("Date"), _("Hours")),
            [(s.title, s.cohort.name, format_date(s.starts_at.date()),
              _hours(int((s.ends_at - s.starts_at).total_seconds() // 60)))
             for s, _record in record.sessions], (70, 60, 35, 25))
    pdf.set_font(FONT_NAME, size=10)
    pdf.cell(0, 7, _("Hours of training attended: %(hours)s",
                     hours=_hours(record.attended_minutes)), new_x="LMARGIN", new_y="NEXT")
    section(_("Quiz results"), (_("Quiz"), _("Kind"), _("Finished"), _("Grade"), _("Result")),
            [(f"{module_title(a.quiz.module, language)}: {a.quiz.title}",
              str(PURPOSE_LABELS.get(a.quiz.purpose, a.quiz.purpose)),
              format_date(a.finished_at.date()) if a.finished_at else "",
              f"{a.grade:.0f}%" if a.grade is not None else _("Awaiting grading"),
              "" if a.grade is None else (_("Passed") if a.grade >= a.quiz.pass_percent
                                          else _("Not passed")))
             for a in record.attempts], (70, 25, 30, 30, 35))
    section(_("Certificates"), (_("Cohort"), _("Issued on"), _("Code"), _("Status")),
            [(c.cohort.name, format_date(c.issued_at.date()), c.display_code,
              _("Revoked") if c.is_revoked else _("Valid")) for c in record.certificates],
            (70, 35, 55, 30))
    return bytes(pdf.output())
