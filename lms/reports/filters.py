"""What a report is about: a period and who is counted, read from and written to the URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.reference import Gender, GovLevel, Region

FILTER_KEYS = ("from", "to", "cohort", "region", "level", "organisation", "gender")


# The filters' names as the dashboard's form shows them.
FILTER_LABELS = {"from": _l("From"), "to": _l("To"), "cohort": _l("Cohort"),
                 "region": _l("Region"), "level": _l("Level of government"),
                 "organisation": _l("Organisation"), "gender": _l("Gender")}


class FilterError(ValueError):
    """A filter value that is not understood; `key` names the filter.

    Its text (in English, for the API's problem details) comes with a translated
    description for people reading the dashboard.
    """

    def __init__(self, key: str, message: str, description=None):
        super().__init__(message)
        self.key = key
        self.description = description if description is not None else message

    def describe(self) -> str:
        return str(self.description)


@dataclass(frozen=True)
class ReportFilters:
    date_from: dt.date
    date_to: dt.date
    cohort_id: int | None = None
    region: str | None = None
    level: str | None = None
    organisation_id: int | None = None
    gender: str | None = None

    @classmethod
    def default(cls, today: dt.date | None = None) -> ReportFilters:
        """The calendar year so far."""
        today = today or dt.date.today()
        return cls(date_from=dt.date(today.year, 1, 1), date_to=today)

    @classmethod
    def parse(cls, args, *, strict: bool = False) -> tuple[ReportFilters, list[FilterError]]:
        """Read filters from query arguments; bad values are dropped and reported.

        With `strict`, unknown argument names are reported too (the API does so).
        """
        filters, errors = cls.default(), []
        values = {}

        def take(key, convert):
            raw = (args.get(key) or "").strip()
            if not raw:
                return
            try:
                values[key] = convert(raw)
            except (ValueError, TypeError):
                errors.append(FilterError(
                    key, f"{key}: {raw!r} is not a valid value",
                    _l("%(filter)s: “%(value)s” is not a valid value",
                       filter=FILTER_LABELS[key], value=raw)))

        take("from", dt.date.fromisoformat)
        take("to", dt.date.fromisoformat)
        take("cohort", _positive_int)
        take("organisation", _positive_int)
        take("region", lambda v: Region(v).value)
        take("level", lambda v: GovLevel(v).value)
        take("gender", lambda v: Gender(v).value)
        if strict:
            for key in args:
                if key not in FILTER_KEYS and key not in ("page", "per_page", "exact"):
                    errors.append(FilterError(key, f"unknown filter {key!r}"))
        filters = replace(
            filters,
            date_from=values.get("from", filters.date_from),
            date_to=values.get("to", filters.date_to),
            cohort_id=values.get("cohort"),
            region=values.get("region"),
            level=values.get("level"),
            organisation_id=values.get("organisation"),
            gender=values.get("gender"),
        )
        if filters.date_to < filters.date_from:
            errors.append(FilterError("to", "the period ends before it starts",
                                      _l("the period ends before it starts")))
            filters = replace(filters, date_to=filters.date_from)
        return filters, errors

    def to_args(self) -> dict[str, str]:
        """The filters as query arguments, for links that keep them."""
        args = {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}
        for key, value in (("cohort", self.cohort_id), ("region", self.region),
                           ("level", self.level), ("organisation", self.organisation_id),
                           ("gender", self.gender)):
            if value:
                args[key] = str(value)
        return args

    def as_dict(self) -> dict:
        return asdict(self)

    def utc_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [start, end) instants: whole days in the programme's time zone."""
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        start = dt.datetime.combine(self.date_from, dt.time.min, zone)
        end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min, zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @property
    def has_person_filters(self) -> bool:
        return any((self.region, self.level, self.organisation_id, self.gender))


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError(raw)
    return value
