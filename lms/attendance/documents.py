"""Files about sessions: the iCalendar feed of an official's sessions and the sign-in sheet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask_babel import gettext as _

from lms.attendance.models import SeminarSession
from lms.attendance.services import to_local

FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "DejaVuSans.ttf"


def _ics_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545, 3.1)."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(sessions: list[SeminarSession], *, host: str, now: dt.datetime) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//lms//seminar sessions//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for s in sessions:
        location = ", ".join(p for p in (s.venue, s.city) if p) or (s.online_url or "")
        lines += [
            "BEGIN:VEVENT",
            f"UID:session-{s.id}@{host}",
            f"DTSTAMP:{_utc(now)}",
            f"DTSTART:{_utc(s.starts_at)}",
            f"DTEND:{_utc(s.ends_at)}",
            f"SUMMARY:{_ics_text(s.title)}",
            f"DESCRIPTION:{_ics_text(s.cohort.name)}",
        ]
        if location:
            lines.append(f"LOCATION:{_ics_text(location)}")
        if s.online_url:
            lines.append(f"URL:{_ics_text(s.online_url)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    folded = [part for line in lines for part in _fold(line)]
    return ("\r\n".join(folded) + "\r\n").encode()


def sign_in_sheet(session: SeminarSession, members) -> bytes:
    """A printable A4 sheet: one line per member to sign, for when the network is down."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=14)
    pdf.add_page()
    pdf.multi_cell(0, 7, session.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    starts, ends = to_local(session.starts_at, session.timezone), to_local(
        session.ends_at, session.timezone)
    place = ", ".join(p for p in (session.venue, session.city) if p) or (session.online_url or "")
    for line in (
        session.cohort.name,
        f"{starts:%d.%m.%Y %H:%M}–{ends:%H:%M} ({session.timezone})",
        place,
    ):
        if line:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    widths = (10, 70, 65, 45)
    header = ("№", _("Full name"), _("Organisation"), _("Signature"))
    with pdf.table(col_widths=widths, line_height=8, text_align="LEFT",
                   first_row_as_headings=True, repeat_headings=1,
                   # Only the regular face is vendored, so headings are shaded, not bold.
                   headings_style=FontFace(emphasis=None, fill_color=(230, 235, 240))) as table:
        row = table.row()
        for cell in header:
            row.cell(cell)
        for number, person in enumerate(members, start=1):
            row = table.row()
            row.cell(str(number))
            row.cell(person.full_name)
            row.cell(person.organisation.name if person.organisation else "")
            row.cell("")
    return bytes(pdf.output())
