"""Evaluation beyond quizzes in the reports: implementation plans and feedback forms.

Plans are counted by their cohort (the period and the person filters do not apply to them:
a plan has authors, not one person); feedback forms by who was asked and who answered, never
by what was answered, so anonymous forms count like named ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from lms.extensions import db
from lms.plans import figures as plan_figures
from lms.reports.queries import Scope, dimension_labels
from lms.reports.suppression import Cell, protect_column
from lms.surveys import figures as survey_figures

PLAN_DIMENSIONS = {"gender": _l("Authors' gender"), "level": _l("Level of government"),
                   "region": _l("Region"), "organisation": _l("Organisation"),
                   "cohort": _l("Cohort")}
SURVEY_DIMENSIONS = {"gender": "gender", "level": "gov_level", "region": "region"}


@dataclass
class PlanRow:
    name: str
    drafted: Cell
    accepted: Cell
    milestones_done: Cell


@dataclass
class Evaluation:
    plans_drafted: int
    plans_accepted: int
    milestones_done: int
    plan_breakdowns: list[tuple[str, list[PlanRow]]]
    forms_expected: int
    forms_answered: int
    response_by: list[tuple[str, list[tuple[str, Cell, int]]]]

    @property
    def response_rate(self) -> float | None:
        if not self.forms_expected:
            return None
        return round(100 * self.forms_answered / self.forms_expected, 1)


def _cohort_ids(scope: Scope):
    if scope.filters.cohort_id:
        ids = [scope.filters.cohort_id]
        if scope.visible_cohort_ids is not None:
            visible = set(db.session.scalars(scope.visible_cohort_ids))
            ids = [i for i in ids if i in visible]
        return ids
    return scope.visible_cohort_ids


def build(scope: Scope, *, threshold: int, exact: bool) -> Evaluation:
    cohort_ids = _cohort_ids(scope)
    breakdowns = []
    for dimension, label in PLAN_DIMENSIONS.items():
        drafted = plan_figures.plans_drafted(dimension, cohort_ids=cohort_ids)
        accepted = plan_figures.plans_accepted(dimension, cohort_ids=cohort_ids)
        done = plan_figures.milestones_done(dimension, cohort_ids=cohort_ids)
        keys = sorted(set(drafted) | set(accepted) | set(done), key=lambda k: (k is None, str(k)))
        names = dimension_labels(dimension, keys)
        columns = [[Cell(figure.get(k, 0), figure.get(k, 0)) for k in keys]
                   for figure in (drafted, accepted, done)]
        if not exact:
            columns = [protect_column(column, threshold) for column in columns]
        rows = [PlanRow(str(names.get(k, k)) if k is not None else str(_l("Not stated")),
                        *(column[i] for column in columns)) for i, k in enumerate(keys)]
        breakdowns.append((str(label), rows))
    rates = survey_figures.response_rates(cohort_ids=cohort_ids)
    response_by = []
    for label, dimension in SURVEY_DIMENSIONS.items():
        counts = survey_figures.response_counts_by(dimension, cohort_ids=cohort_ids)
        keys = sorted(counts, key=lambda k: (k is None, str(k)))
        names = dimension_labels(label, keys)
        cells = [Cell(round(100 * counts[k][0] / counts[k][1], 1) if counts[k][1] else None,
                      counts[k][1]) for k in keys]
        if not exact:
            cells = protect_column(cells, threshold)
        response_by.append((str(PLAN_DIMENSIONS[label]) if label != "gender" else
                            str(_l("Gender")),
                            [(str(names.get(k, k)) if k is not None else str(_l("Not stated")),
                              cell, counts[k][1]) for k, cell in zip(keys, cells, strict=True)]))
    totals = {name: sum((fn(None, cohort_ids=cohort_ids) or {}).values())
              for name, fn in (("drafted", plan_figures.plans_drafted),
                               ("accepted", plan_figures.plans_accepted),
                               ("done", plan_figures.milestones_done))}
    return Evaluation(totals["drafted"], totals["accepted"], totals["done"], breakdowns,
                      sum(r.expected for r in rates), sum(r.responded for r in rates),
                      response_by)


