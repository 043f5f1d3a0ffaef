"""The dashboard's content: key figures, breakdowns and planned against delivered."""

from __future__ import annotations

import datetime as dt
import functools
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lms.db import now_utc, only_reading
from lms.extensions import cache
from lms.reports import evaluation, notes, queries, summary
from lms.reports.queries import Scope
from lms.reports.suppression import Cell, hide_if_small, protect_column

DIMENSION_LABELS = {
    "gender": _l("Gender"),
    "level": _l("Level of government"),
    "region": _l("Region"),
    "organisation": _l("Organisation"),
    "cohort": _l("Cohort"),
    "month": _l("Month"),
}
# Whole phrases, not "By " + a label: other languages inflect the noun.
DIMENSION_HEADINGS = {
    "gender": _l("By gender"),
    "level": _l("By level of government"),
    "region": _l("By region"),
    "organisation": _l("By organisation"),
    "cohort": _l("By cohort"),
    "month": _l("By month"),
}
CHART_TITLES = {
    "gender": _l("Officials trained by gender"),
    "level": _l("Officials trained by level of government"),
    "region": _l("Officials trained by region"),
    "month": _l("Officials trained by month"),
}
NOT_SET = _l("Not stated")
# Rows of a breakdown table on one page of the dashboard (a programme may have thousands of
# cohorts and organisations); the CSV and XLSX downloads carry them all.
ROWS_PER_PAGE = 50

# Columns of every breakdown table, in order: (key, label).
COLUMNS = (
    ("trained", _l("Officials trained")),
    ("participations", _l("Participations")),
    ("attendance_rate", _l("Attendance rate, %")),
    ("completion_rate", _l("Module completion, %")),
    ("pass_rate", _l("Quiz pass rate, %")),
    ("pre", _l("Average pre-test, %")),
    ("post", _l("Average post-test, %")),
    ("gain", _l("Normalised gain")),
)


def _rate(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _round(value, digits=1):
    return None if value is None else round(float(value), digits)


@dataclass
class Figures:
    """One row of figures: for the whole programme, or one group of a breakdown."""

    trained: Cell
    participations: Cell
    attendance_rate: Cell
    completion_rate: Cell
    pass_rate: Cell
    pre: Cell
    post: Cell
    gain: Cell
    sessions: int | None = None


def _average(total, count, digits):
    return None if not count or total is None else round(float(total) / count, digits)


def _figures(key, att, gain, mods, quiz, sessions) -> Figures:
    a, m, q, g = att.get(key), mods.get(key), quiz.get(key), gain.get(key)
    trained = a.trained if a else 0
    expected = (a.expected - a.excused) if a else 0
    people_in_gain = g.people if g else 0
    return Figures(
        trained=Cell(trained, trained),
        participations=Cell(a.participations if a else 0, trained),
        attendance_rate=Cell(_rate(a.attended, expected) if a else None,
                             a.people if a else 0),
        completion_rate=Cell(_rate(m.completed, m.assigned) if m else None,
                             m.people if m else 0),
        pass_rate=Cell(_rate(q.passed, q.results) if q else None, q.results if q else 0),
        pre=Cell(_average(g.pre_sum, g.people, 1) if g else None, people_in_gain),
        post=Cell(_average(g.post_sum, g.people, 1) if g else None, people_in_gain),
        gain=Cell(_average(g.gain_sum, g.gain_n, 3) if g else None, people_in_gain),
        sessions=(sessions.get(key).sessions if sessions.get(key) else 0) if sessions else None,
    )


@dataclass
class Breakdown:
    dimension: str
    label: str
    rows: list[tuple[str, Figures]] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return str(DIMENSION_HEADINGS[self.dimension])


@dataclass(frozen=True)
class TablePage:
    """The rows of a long breakdown shown on one page of the dashboard."""

    rows: list[tuple[str, Figures]]
    number: int
    pages: int
    first: int  # 1-based position of the page's first row among all rows
    total: int

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def page_of(breakdown: Breakdown, number: int) -> TablePage:
    """One page of a breakdown's rows (the last page when `number` is past it); the
    downloads always carry every row."""
    per_page = ROWS_PER_PAGE
    total = len(breakdown.rows)
    pages = max(1, -(-total // per_page))
    number = min(max(1, number), pages)
    start = (number - 1) * per_page
    return TablePage(breakdown.rows[start:start + per_page], number, pages, start + 1, total)


@dataclass
class Report:
    totals: Figures
    breakdowns: list[Breakdown]
    planned: dict
    threshold: int
    exact: bool
    evaluation: evaluation.Evaluation | None = None  # plans and feedback
    computed_at: dt.datetime = field(default_factory=now_utc)


# In the order `_figures` takes them.
FAMILIES = (queries.attendance, queries.knowledge_gain, queries.module_completion,
            queries.quiz_results)
# The order they are started in side by side: the costliest first, so that each thread
# ends with a short one and the threads finish at about the same time.
STARTED = (queries.module_completion, queries.attendance, queries.quiz_results,
           queries.knowledge_gain)


def _side_by_side(tasks: dict) -> dict:
    """Run each task (a function of no argument; the costliest first), on
    REPORT_QUERY_THREADS connections: {name: result}.

    Every task is a few queries that only read, so on a server with several cores the
    report takes about as long as its costliest family instead of their sum. Each task's
    figures are consistent in themselves, as they were when run one after the other (each
    statement sees the data as it was when it began). Tasks run in the caller's language.
    """
    from flask import current_app
    from flask_babel import force_locale, get_locale

    threads = current_app.config["REPORT_QUERY_THREADS"]
    if threads <= 1:
        return {name: task() for name, task in tasks.items()}
    app = current_app._get_current_object()
    language = str(get_locale())

    def compute(task):
        with app.app_context(), force_locale(language), only_reading():
            queries.tune_for_reports()
            return task()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return dict(zip(tasks, pool.map(compute, tasks.values()), strict=True))


class _Sum(dict):
    """Rows of a group added up, readable as attributes like a result row."""

    __getattr__ = dict.__getitem__


def collapse(rows: dict, picks: dict) -> dict:
    """Add up person-grouped rows by parts of their key: {name: {part: sums}} for each
    `pick` in `picks` ({name: function of the key giving the part})."""
    totals: dict = {name: {} for name in picks}
    if not rows:
        return totals
    fields = next(iter(rows.values()))._fields
    measured = [(i, name) for i, name in enumerate(fields)
                if name != "dimension" and not name.startswith("k_")]
    for key, row in rows.items():
        values = [(name, row[i] or 0) for i, name in measured]
        for pick_name, pick in picks.items():
            target = totals[pick_name].get(pick(key))
            if target is None:
                totals[pick_name][pick(key)] = _Sum(values)
            else:
                for name, value in values:
                    target[name] += value
    return totals


def _person_picks() -> dict:
    picks = {None: lambda key: None}
    for index, dimension in enumerate(queries.PERSON_DIMENSIONS):
        picks[dimension] = lambda key, index=index: key[index]
    return picks


def _families_by(fanned: list[dict], sessions: dict, collapsed: list[dict],
                 dimension: str | None) -> tuple:
    """Each family's rows keyed by one dimension's values (None: the programme's totals).

    Person attributes come from the family's person grouping, added up (`collapsed`, made
    by `collapse`): everyone falls in exactly one group, so even counts of people add up.
    """
    if dimension is None or dimension in queries.PERSON_DIMENSIONS:
        rows = tuple(family[dimension] for family in collapsed)
        return (*rows, sessions["total"] if dimension is None else {})
    return (*(family.get(dimension, {}) for family in fanned), sessions[dimension])


def _breakdown(dimension: str, families: tuple, threshold: int, exact: bool) -> Breakdown:
    keys = set().union(*(family.keys() for family in families))
    labels = queries.dimension_labels(dimension, keys)
    ordered = sorted(keys, key=lambda k: (k is None, str(labels.get(k, k))))
    if dimension == "month":
        ordered = sorted(keys, key=lambda k: (k is None, k or ""))
    rows = [(str(labels.get(k, k)) if k is not None else str(NOT_SET), _figures(k, *families))
            for k in ordered]
    if not exact:
        rows = _protect(rows, threshold)
    return Breakdown(dimension, str(DIMENSION_LABELS[dimension]), rows)


def _protect(rows: list[tuple[str, Figures]], threshold: int) -> list[tuple[str, Figures]]:
    names = [name for name, _ in rows]
    figures = [f for _, f in rows]
    for column, _label in COLUMNS:
        protected = protect_column([getattr(f, column) for f in figures], threshold)
        for f, cell in zip(figures, protected, strict=True):
            setattr(f, column, cell)
    return list(zip(names, figures, strict=True))


def _protect_alone(figures: Figures, threshold: int) -> Figures:
    """The key figures of a report narrowed to some officials (women in one ministry): they
    are about that group alone, so a small one is hidden like a breakdown's cell."""
    for column, _label in COLUMNS:
        setattr(figures, column, hide_if_small(getattr(figures, column), threshold))
    return figures


def build_report(scope: Scope, *, threshold: int, exact: bool,
                 dimensions=queries.DIMENSIONS, with_evaluation: bool = True) -> Report:
    """Everything the dashboard shows: one aggregate query per figure family, whatever the
    number of officials, plus the sessions, the planned-against-delivered counts and
    (`with_evaluation`) the plans and feedback figures, all computed side by side."""
    summary.bring_up_to_date(wait=False, at_most=notes.STALE_LIMIT)
    queries.tune_for_reports()
    tasks = {family.__name__: functools.partial(family, scope) for family in STARTED}
    tasks["sessions"] = functools.partial(queries.sessions_held, scope)
    tasks["planned"] = functools.partial(queries.planned_and_delivered, scope)
    if with_evaluation:
        tasks["evaluation"] = functools.partial(evaluation.build, scope, threshold=threshold,
                                                exact=exact)
    done = _side_by_side(tasks)
    fanned = [done[family.__name__] for family in FAMILIES]
    sessions = done["sessions"]
    picks = _person_picks()
    collapsed = [collapse(family[queries.PERSON], picks) for family in fanned]
    totals = _figures(None, *_families_by(fanned, sessions, collapsed, None))
    if not exact and scope.filters.has_person_filters:
        totals = _protect_alone(totals, threshold)
    breakdowns = [_breakdown(d, _families_by(fanned, sessions, collapsed, d), threshold, exact)
                  for d in dimensions]
    return Report(totals, breakdowns, done["planned"], threshold, exact,
                  done.get("evaluation"))


def cache_key(scope: Scope, viewer: int | None, threshold: int, exact: bool,
               language: str) -> str:
    args = "&".join(f"{k}={v}" for k, v in sorted(scope.filters.to_args().items()))
    return f"report:{args}:{viewer}:{threshold}:{int(exact)}:{language}"


def _build_and_keep(key: str, scope: Scope, threshold: int, exact: bool) -> Report:
    from flask import current_app

    config = current_app.config
    report = build_report(scope, threshold=threshold, exact=exact)
    cache.set(key, report, timeout=config["REPORT_CACHE_SECONDS"] + config["REPORT_STALE_SECONDS"])
    return report


def refresh(scope: Scope, *, viewer: int | None, threshold: int, exact: bool,
            language: str) -> Report:
    """Compute a report now and keep it, whatever the cache holds (for warming it)."""
    key = cache_key(scope, viewer, threshold, exact, language)
    return _build_and_keep(key, scope, threshold, exact)


def _refresh_after_response(key: str, scope: Scope, threshold: int, exact: bool,
                            language: str) -> None:
    """Recompute a stale report once this response has been sent, if no one else is."""
    from flask import after_this_request, copy_current_request_context, current_app
    from flask_babel import force_locale

    if not cache.add(f"{key}:computing", 1, timeout=current_app.config["REPORT_BUILD_SECONDS"]):
        return

    @copy_current_request_context
    def refresh():
        try:
            with force_locale(language):
                _build_and_keep(key, scope, threshold, exact)
        finally:
            cache.delete(f"{key}:computing")

    @after_this_request
    def attach(response):
        response.call_on_close(refresh)
        return response


def _wait_for(key: str, seconds: float) -> Report | None:
    """The report another request is computing, if it arrives within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)
        report = cache.get(key)
        if report is not None:
            return report
        if not cache.has(f"{key}:computing"):
            return None
    return None


def cached_report(scope: Scope, *, viewer: int | None, threshold: int, exact: bool,
                  language: str) -> Report:
    """The whole report, kept in the cache for the same filters and reader.

    A report younger than REPORT_CACHE_SECONDS is shown as it is. An older one (kept up to
    REPORT_STALE_SECONDS more) is shown too, saying when it was computed, and recomputed
    after the response has gone, so nobody waits for it. When there is none, one request
    computes it and the others asking for the same report at that moment wait for its
    result instead of computing it again. The dashboard and the downloads of its tables
    read the same cached report, so what is downloaded is what was on the screen.
    `viewer` is None for readers who see the whole programme, otherwise the reader's id
    (their report is limited to their cohorts).
    """
    from flask import current_app

    config = current_app.config
    seconds = config.get("REPORT_CACHE_SECONDS", 0)
    if not seconds:
        return build_report(scope, threshold=threshold, exact=exact)
    key = cache_key(scope, viewer, threshold, exact, language)
    report = cache.get(key)
    if report is not None:
        if now_utc() - report.computed_at > dt.timedelta(seconds=seconds):
            _refresh_after_response(key, scope, threshold, exact, language)
        return report
    if not cache.add(f"{key}:computing", 1, timeout=config["REPORT_BUILD_SECONDS"]):
        report = _wait_for(key, config["REPORT_BUILD_SECONDS"])
        if report is not None:
            return report
    try:
        return _build_and_keep(key, scope, threshold, exact)
    finally:
        cache.delete(f"{key}:computing")
