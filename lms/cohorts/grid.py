"""The cohort page's member rows: a name, an organisation, the sessions attended, a cell per
session, module and quiz, and for staff an unenrol button.

The table has members x (sessions + modules + quizzes) cells, so its rows are written here in
one pass with plain string formatting, each distinct cell once, rather than cell by cell in
Jinja (several times slower). Every value put in goes through escape(); the markup is what
templates/cohorts/show.html had.
"""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup, escape

from lms.cohorts.services import Overview

ROW = """
      <tr>
        <th scope="row">{name}</th>
        <td>{organisation}</td>
        <td class="num">{attended} / {sessions}</td>
        {cells}{actions}
      </tr>"""
UNENROL = """
        <td>
          <form method="post" action="{url}">
            {csrf_field}<input type="hidden" name="user_id" value="{id}">
            <button type="submit" class="button-small button-secondary">{label}<span class="visually-hidden"> {name}</span></button>
          </form>
        </td>"""  # noqa: E501
NO_MARK = "<td>—</td>"
NO_GRADE = '<td class="num">—</td>'
BETWEEN_GROUPS = "\n        "


class Unenrol(NamedTuple):
    """What each row's unenrol form needs: the same on every row, so worked out once."""

    url: str
    label: str
    csrf_field: Markup


def member_rows(data: Overview, status_labels: dict[str, str],
                unenrol: Unenrol | None) -> Markup:
    """Every member's row, by name; `unenrol` only for staff, who may unenrol members."""
    status_cells = {
        value: f'<td><span class="status status-{escape(value)}">{escape(label)}</span></td>'
        for value, label in status_labels.items()
    }
    percent_cells: dict[int, str] = {}
    sessions = len(data.sessions)
    if unenrol is not None:
        url, label = escape(unenrol.url), escape(unenrol.label)
    rows = []
    for person in data.members:
        marks = data.attendance.get(person.id, {})
        session_cells = "".join(status_cells[marks[s.id]] if marks.get(s.id) else NO_MARK
                                for s in data.sessions)
        module_cells = "".join(
            _percent_cell(percent_cells, data.progress.get((person.id, m.module_id)))
            for m in data.modules)
        quiz_cells = "".join(_grade_cell(data.best_grades.get((person.id, q.quiz_id)))
                             for q in data.quizzes)
        name = escape(person.full_name)
        rows.append(ROW.format(
            name=name,
            organisation=escape(person.organisation_name or ""),
            attended=data.attended[person.id], sessions=sessions,
            cells=BETWEEN_GROUPS.join((session_cells, module_cells, quiz_cells)),
            actions="" if unenrol is None else UNENROL.format(
                url=url, csrf_field=unenrol.csrf_field, id=person.id, label=label, name=name),
        ))
    # Safe: every value in the rows went through escape() above.
    return Markup("".join(rows))  # noqa: S704


def _percent_cell(cache: dict[int, str], progress) -> str:
    percent = progress.percent if progress else 0
    if percent not in cache:
        cache[percent] = f'<td class="num">{escape(percent)}%</td>'
    return cache[percent]


def _grade_cell(best_grade: float | None) -> str:
    if best_grade is not None:
        # As the template's "%.1f %%"|format(grade) wrote it.
        return f'<td class="num">{float(best_grade):.1f} %</td>'
    return NO_GRADE
