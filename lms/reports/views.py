"""Programme staff's reports: the dashboard, its tables as CSV/XLSX, raw records, donor summary."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.accounts.models import Organisation
from lms.cohorts.models import Cohort
from lms.db import now_utc
from lms.extensions import cache, db
from lms.reference import Gender, GovLevel, Region
from lms.reports import dashboard, donor, records
from lms.reports.charts import horizontal_bars
from lms.reports.filters import ReportFilters
from lms.reports.policy import report_cohorts
from lms.reports.queries import Scope
from lms.security.permissions import Permission
from lms.security.policy import can, requires
from lms.spreadsheets import XLSX_CONTENT_TYPE, Sheet, csv_bytes, csv_lines, xlsx_bytes

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _scope() -> tuple[Scope, list]:
    filters, errors = ReportFilters.parse(request.args)
    return Scope(filters, report_cohorts(current_user), now_utc()), errors


def _exact() -> bool:
    """Exact small figures only for those allowed, and only when asked for."""
    return request.args.get("exact") == "1" and can(current_user, Permission.REPORTS_EXACT)


def _threshold() -> int:
    return current_app.config["REPORT_MIN_CELL"]


def _reader() -> dict:
    """Who the report is for, as far as its figures depend on it."""
    whole_programme = report_cohorts(current_user) is None
    return {"viewer": None if whole_programme else current_user.id,
            "threshold": _threshold(), "exact": _exact(), "language": str(get_locale())}


def _from_report(scope: Scope, name: str, make):
    """Something made from the report (the page's figures as HTML, one table), kept beside it.

    A large programme's report takes longer to read back from the cache, and its tables to
    render, than the page takes otherwise, so what is made from it is kept under the
    report's key with the report's computation time, and used while that is fresh.
    """
    config = current_app.config
    seconds = config["REPORT_CACHE_SECONDS"]
    reader = _reader()
    key = f"{dashboard.cache_key(scope, **reader)}:{name}"
    kept = cache.get(key) if seconds else None
    if kept is not None and now_utc() - kept[0] <= dt.timedelta(seconds=seconds):
        return kept[1]
    report = dashboard.cached_report(scope, **reader)
    if kept is not None and kept[0] == report.computed_at:
        return kept[1]  # the report is being recomputed: this was made from the one shown
    made = make(report)
    if seconds:
        cache.set(key, (report.computed_at, made),
                  timeout=seconds + config["REPORT_STALE_SECONDS"])
    return made


def _table_pages() -> dict[str, int]:
    """The page of each long breakdown table asked for (`cohort_page=3`); 1 by default."""
    pages = {}
    for dimension in dashboard.DIMENSION_LABELS:
        value = request.args.get(f"{dimension}_page", "")
        pages[dimension] = int(value) if value.isdigit() and int(value) > 0 else 1
    return pages


def _figures_html(scope: Scope, report, pages: dict[str, int]) -> str:
    args = scope.filters.to_args()
    if _exact():
        args["exact"] = "1"
    paged = {b.dimension: dashboard.page_of(b, pages[b.dimension]) for b in report.breakdowns}
    return render_template(
        "reports/_figures.html", report=report, charts=_charts(report),
        evaluation=report.evaluation,
        columns=dashboard.COLUMNS, args=scope.filters.to_args(), paged=paged,
        page_args={**args, **{f"{d}_page": p.number for d, p in paged.items() if p.number > 1}})


def _choices(f: ReportFilters, limit) -> tuple[list, list]:
    """The filters' cohorts and organisations: ids and names only (a programme may have
    thousands of cohorts), the cohorts running in the period, and the one chosen whatever
    its dates; only those in `limit` (a select of cohort ids) unless it is None."""
    running = sa.and_(Cohort.starts_on <= f.date_to, Cohort.ends_on >= f.date_from)
    query = (sa.select(Cohort.id, Cohort.name)
             .where(sa.or_(running, Cohort.id == f.cohort_id) if f.cohort_id else running)
             .order_by(Cohort.starts_on.desc()))
    if limit is not None:
        query = query.where(Cohort.id.in_(limit))
    organisations = sa.select(Organisation.id, Organisation.name).order_by(Organisation.name)
    return db.session.execute(query).all(), db.session.execute(organisations).all()


# Periods far ahead, so with nothing in them, seen as if they were past: one of each shape
# the report reads differently (whole months, and part months at one edge or both).
_REHEARSALS = tuple(ReportFilters(dt.date(2100, *start), dt.date(2100, *end)) for start, end in (
    ((1, 1), (6, 15)),  # part of the last month: the year so far, shown by default
    ((1, 1), (6, 30)),  # whole months
    ((1, 15), (6, 15)),  # part months at both edges
    ((3, 5), (3, 20)),  # no whole month
))
_REHEARSAL_NOW = dt.datetime(2101, 1, 1, tzinfo=dt.UTC)


def rehearse(languages) -> None:
    """Compute the dashboard's figures for periods with nothing in them, and render them in
    each language, so that a new server process has compiled the report's statements and
    templates, and loaded its languages, before its first reader asks (lms.warmup). In a
    request context."""
    pages = dict.fromkeys(dashboard.DIMENSION_LABELS, 1)
    for filters in _REHEARSALS:
        _choices(filters, None)
        scope = Scope(filters, None, _REHEARSAL_NOW)
        report = dashboard.build_report(scope, threshold=_threshold(), exact=False)
        for language in languages:
            with force_locale(language):
                _figures_html(scope, report, pages)


@bp.route("/")
@requires(Permission.REPORTS_READ)
def index():
    """The dashboard: key figures, breakdowns with charts, planned against delivered."""
    scope, errors = _scope()
    for error in errors:
        flash(_("A filter was not understood and is ignored: %(error)s", error=error.describe()),
              "error")
    pages = _table_pages()
    name = "html" + "".join(f":{d}={p}" for d, p in pages.items() if p > 1)
    figures = _from_report(scope, name, lambda report: _figures_html(scope, report, pages))
    cohorts, organisations = _choices(scope.filters, report_cohorts(current_user))
    return render_template(
        "reports/dashboard.html", filters=scope.filters, cohorts=cohorts,
        # Rendered by our own autoescaping template (reports/_figures.html).
        figures=Markup(figures), organisations=organisations,  # noqa: S704
        exact=_exact(), threshold=_threshold(),
        regions=Region, levels=GovLevel, genders=Gender, args=scope.filters.to_args(),
        may_see_exact=can(current_user, Permission.REPORTS_EXACT),
    )


def _charts(report) -> dict:
    charts = {}
    for breakdown in report.breakdowns:
        if breakdown.dimension not in dashboard.CHART_TITLES:
            continue
        rows = []
        for name, figures in breakdown.rows:
            cell = figures.trained
            value = None if cell.hidden else cell.value
            rows.append((name, value, cell.shown(report.threshold)))
        title = str(dashboard.CHART_TITLES[breakdown.dimension])
        charts[breakdown.dimension] = horizontal_bars(
            title, rows, _("Bar chart; the same figures are in the table below it."))
    return charts


def _table(report, dimension: str) -> tuple[list[str], list[list]]:
    columns = dashboard.COLUMNS
    if dimension == "summary":
        header = [_("Figure"), _("Value")]
        rows = [[str(label), _exported(getattr(report.totals, key), report.threshold)]
                for key, label in columns]
        rows.append([_("Sessions held"), report.totals.sessions])
        return header, rows
    if dimension == "planned":
        p = report.planned
        return [_("Figure"), _("Planned"), _("Held")], [
            [_("Cohorts"), p["cohorts_planned"], p["cohorts_held"]],
            [_("Sessions"), p["sessions_planned"], p["sessions_held"]],
        ]
    breakdown = next((b for b in report.breakdowns if b.dimension == dimension), None)
    if breakdown is None:
        abort(404)
    header = [breakdown.label] + [str(label) for _key, label in columns]
    rows = []
    for name, figures in breakdown.rows:
        rows.append([name, *(_exported(getattr(figures, key), report.threshold)
                             for key, _label in columns)])
    return header, rows


def _exported(cell, threshold: int):
    """A figure as a spreadsheet holds it: a number, or the text of a hidden one."""
    return cell.shown(threshold) if cell.hidden else cell.value


def _filename(stem: str, scope: Scope, extension: str) -> str:
    f = scope.filters
    return f"lms-{stem}-{f.date_from.isoformat()}-{f.date_to.isoformat()}.{extension}"


def _download(data, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/tables/<table>.<any(csv, xlsx):extension>")
@requires(Permission.REPORTS_READ)
def table(table: str, extension: str):
    """One table of the dashboard as CSV or XLSX, with the same figures as on screen."""
    if table not in ("summary", "planned") and table not in dashboard.DIMENSION_LABELS:
        abort(404)
    scope, _errors = _scope()
    header, rows = _from_report(scope, f"table:{table}", lambda report: _table(report, table))
    if extension == "csv":
        return _download(csv_bytes(header, rows), _filename(table, scope, "csv"),
                         "text/csv; charset=utf-8")
    notes = [current_app.config["PROGRAMME_NAME"],
             _("Period: %(start)s – %(end)s", start=scope.filters.date_from.isoformat(),
               end=scope.filters.date_to.isoformat())]
    data = xlsx_bytes([Sheet(table, header, rows, notes=notes)])
    return _download(data, _filename(table, scope, "xlsx"), XLSX_CONTENT_TYPE)


@bp.route("/records/<any(participation, quiz_results):kind>.csv")
@requires(Permission.REPORTS_READ)
def raw_records(kind: str):
    """Raw records, streamed: one row per official per session, or per quiz result."""
    scope, _errors = _scope()
    if kind == "participation":
        header, rows = records.participation_header(), records.participation_rows(scope)
    else:
        header, rows = records.quiz_header(), records.quiz_rows(scope)
    stream = stream_with_context(line.encode("utf-8") for line in csv_lines(header, rows))
    return _download(stream, _filename(kind, scope, "csv"), "text/csv; charset=utf-8")


@bp.route("/donor-summary.<any(xlsx, pdf):extension>")
@requires(Permission.REPORTS_READ)
def donor_summary(extension: str):
    """The one-page summary donors ask for, as XLSX or PDF."""
    scope, _errors = _scope()
    summary = donor.build(scope, threshold=_threshold(), exact=_exact())
    if extension == "xlsx":
        return _download(donor.to_xlsx(summary), _filename("donor-summary", scope, "xlsx"),
                         XLSX_CONTENT_TYPE)
    return _download(donor.to_pdf(summary), _filename("donor-summary", scope, "pdf"),
                     "application/pdf")


