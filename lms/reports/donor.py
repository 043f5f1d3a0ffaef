"""The one-page donor summary: officials trained by sex and by level of government."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from lms.reference import Gender, GovLevel
from lms.reports import dashboard, notes, queries, summary
from lms.reports.queries import Scope
from lms.reports.suppression import Cell, hide_if_small, protect_table
from lms.spreadsheets import Sheet, xlsx_bytes

FONT = Path(__file__).resolve().parent.parent / "static" / "fonts" / "DejaVuSans.ttf"


@dataclass
class DonorSummary:
    programme: str
    period: str
    header: list[str]
    rows: list[list]  # label, then a cell per level, then the row total; totals last
    total: int | str  # "<5" where the report is narrowed to fewer people
    participations: int | str
    threshold: int


def build(scope: Scope, *, threshold: int, exact: bool) -> DonorSummary:
    """Officials trained, sex by level of government, each person counted once."""
    summary.bring_up_to_date(wait=False, at_most=notes.STALE_LIMIT)
    queries.tune_for_reports()
    by_person = queries.attendance(scope)[queries.PERSON]
    collapsed = dashboard.collapse(by_person, {"gender": lambda key: key[0],
                                               "level": lambda key: key[1],
                                               "both": lambda key: key[:2],
                                               "total": lambda key: None})
    by_gender, by_level = collapsed["gender"], collapsed["level"]
    crossed = {key: row.trained for key, row in collapsed["both"].items()}
    levels = [level.value for level in GovLevel] + [None]
    level_names = [GovLevel(v).label if v else _("Level not stated") for v in levels]
    totals = collapsed["total"].get(None)
    trained = totals.trained if totals else 0

    def counted(people: int) -> Cell:
        return Cell(people, people)

    grid = [[*(counted(crossed.get((gender.value, level), 0)) for level in levels),
             counted(by_gender[gender.value].trained if gender.value in by_gender else 0)]
            for gender in Gender]
    grid.append([*(counted(by_level[level].trained if level in by_level else 0)
                   for level in levels), counted(trained)])
    participations = Cell(totals.participations if totals else 0, trained)
    if not exact:
        # A report narrowed to some officials (women in one ministry) is about that group
        # alone, so its total is protected too.
        narrowed = scope.filters.has_person_filters
        grid = protect_table(grid, threshold, grand_total_exact=not narrowed)
        if narrowed:
            participations = hide_if_small(participations, threshold)
    labels = [gender.label for gender in Gender] + [_("Total")]
    f = scope.filters
    return DonorSummary(
        programme=current_app.config["PROGRAMME_NAME"],
        period=f"{f.date_from:%d.%m.%Y} – {f.date_to:%d.%m.%Y}",
        header=[_("Sex"), *level_names, _("Total")],
        rows=[[label, *[c.shown(threshold) if c.hidden else c.value for c in cells]]
              for label, cells in zip(labels, grid, strict=True)],
        total=grid[-1][-1].shown(threshold) if grid[-1][-1].hidden else trained,
        participations=(participations.shown(threshold) if participations.hidden
                        else participations.value),
        threshold=threshold,
    )


def _notes(summary: DonorSummary) -> list[str]:
    return [
        summary.programme,
        _("Officials trained (attended at least one session), by sex and level of government"),
        _("Period: %(period)s", period=summary.period),
        _("Participations (person-sessions): %(n)s", n=summary.participations),
        _("Figures about fewer than %(n)s people, totals included, are shown as <%(n)s; “…” "
          "marks a figure withheld so that none of them can be worked out from a total. The "
          "grand total is exact unless the filters leave fewer than %(n)s people.",
          n=summary.threshold),
    ]


def to_xlsx(summary: DonorSummary) -> bytes:
    return xlsx_bytes([Sheet(_("Donor summary"), summary.header, summary.rows,
                             notes=_notes(summary))])


def to_pdf(summary: DonorSummary) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=15)
    pdf.multi_cell(0, 8, summary.programme, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=11)
    for note in _notes(summary)[1:]:
        pdf.multi_cell(0, 6, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    # Headings shaded rather than bold: only the regular face of the font is embedded.
    headings = FontFace(emphasis=None, fill_color=(230, 235, 240))
    # Each column as wide as its longest word, so that no word is broken across lines.
    widths = tuple(max(6, *(len(word) for value in column for word in str(value).split()))
                   for column in zip(summary.header, *summary.rows, strict=True))
    with pdf.table(text_align="LEFT", first_row_as_headings=True, line_height=8,
                   headings_style=headings, col_widths=widths) as table:
        row = table.row()
        for title in summary.header:
            row.cell(str(title))
        for values in summary.rows:
            row = table.row()
            for value in values:
                row.cell(str(value))
    return bytes(pdf.output())
