"""The cohort page's progress grid: for each member, a cell per session, module and quiz.

The grid has members x (sessions + modules + quizzes) cells, so its cells are written here in
one pass, each distinct cell once, rather than cell by cell in Jinja (several times slower).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from lms.cohorts.services import Overview

NO_MARK = "<td>—</td>"
NO_GRADE = '<td class="num">—</td>'
BETWEEN_GROUPS = "\n        "


def member_cells(data: Overview, status_labels: dict[str, str]) -> dict[int, Markup]:
    """Each member's cells after "Sessions attended", by member id."""
    status_cells = {
        value: f'<td><span class="status status-{escape(value)}">{escape(label)}</span></td>'
        for value, label in status_labels.items()
    }
    percent_cells: dict[int, str] = {}
    cells = {}
    for person in data.members:
        marks = data.attendance.get(person.id, {})
        sessions = "".join(status_cells[marks[s.id]] if marks.get(s.id) else NO_MARK
                           for s in data.sessions)
        modules = "".join(_percent_cell(percent_cells, data.progress.get((person.id, m.module_id)))
                          for m in data.modules)
        quizzes = "".join(_grade_cell(data.standings.get((person.id, q.quiz_id)))
                          for q in data.quizzes)
        # Safe: every value in these cells went through escape() above.
        cells[person.id] = Markup(BETWEEN_GROUPS.join((sessions, modules, quizzes)))  # noqa: S704
    return cells


def _percent_cell(cache: dict[int, str], progress) -> str:
    percent = progress.percent if progress else 0
    if percent not in cache:
        cache[percent] = f'<td class="num">{escape(percent)}%</td>'
    return cache[percent]


def _grade_cell(standing) -> str:
    if standing and standing.best_grade is not None:
        # As the template's "%.1f %%"|format(grade) wrote it.
        return f'<td class="num">{float(standing.best_grade):.1f} %</td>'
    return NO_GRADE
