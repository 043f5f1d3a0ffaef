"""Which cohorts and officials have changed since the report summaries were computed.

Database triggers write these notes; `lms.reports.summary.bring_up_to_date` takes them.
Reports read the noted cohorts and officials from the raw records meanwhile.
"""

from __future__ import annotations

import sqlalchemy as sa

from lms.extensions import db
from lms.reports.models import StaleCohort, StalePerson

# More noted cohorts or officials than this (after a bulk load, before the first refresh),
# and a report reads everything from the raw records rather than list them all.
STALE_LIMIT = 2000
EVERYONE = object()  # what the stale_... functions return then


def _noted(column) -> list[int] | object:
    ids = db.session.scalars(sa.select(column).distinct().limit(STALE_LIMIT + 1)).all()
    return EVERYONE if len(ids) > STALE_LIMIT else ids


def stale_cohorts() -> list[int] | object:
    """The cohorts noted as changed since their summary rows were computed (EVERYONE when
    there are too many to list)."""
    return _noted(StaleCohort.cohort_id)


def stale_people() -> list[int] | object:
    """The officials noted as changed since their quiz results and module progress were
    computed (EVERYONE when there are too many to list)."""
    return _noted(StalePerson.user_id)
