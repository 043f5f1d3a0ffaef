"""Query arguments checked strictly, and pages of results with their links."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request, url_for

from lms.api.problems import InvalidParameters
from lms.extensions import db

PER_PAGE_DEFAULT = 50
PER_PAGE_MAX = 100
PAGE_MAX = 100_000


def check_arguments(allowed) -> None:
    """Refuse query arguments the endpoint does not know, and repeated ones."""
    errors = [{"name": name, "detail": f"unknown parameter {name!r}"}
              for name in request.args if name not in allowed]
    errors += [{"name": name, "detail": "give this parameter once"}
               for name in request.args if len(request.args.getlist(name)) > 1]
    if errors:
        raise InvalidParameters(errors)


def int_argument(name: str, *, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidParameters(
            [{"name": name, "detail": f"must be a whole number from {low} to {high}"}])
    return int(raw)


def page_arguments() -> tuple[int, int]:
    page = int_argument("page", default=1, low=1, high=PAGE_MAX)
    per_page = int_argument("per_page", default=PER_PAGE_DEFAULT, low=1, high=PER_PAGE_MAX)
    return page, per_page


def paginate(query: sa.Select, page: int, per_page: int) -> tuple[list, int]:
    """One page of a query's rows and the number of rows in all (two queries)."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        query.order_by(None).subquery()))
    pages = max(1, -(-total // per_page))
    if page > pages:
        raise InvalidParameters(
            [{"name": "page", "detail": f"there are {pages} pages of {per_page}"}])
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


def envelope(items: list, total: int, page: int, per_page: int) -> dict:
    """A page of items with the counts and the links to its neighbours."""
    def link(number: int) -> str:
        args = {**request.view_args, **request.args.to_dict(), "page": number,
                "per_page": per_page}
        return url_for(request.endpoint, **args, _external=True)

    pages = max(1, -(-total // per_page))
    return {
        "items": items,
        "page": page,
        "per_page": per_page,
        "total": total,
        "next": link(page + 1) if page < pages else None,
        "previous": link(page - 1) if page > 1 else None,
    }
