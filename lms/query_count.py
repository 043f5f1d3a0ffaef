"""An `X-Query-Count` response header with the SQL statements a request ran (benchmarks only).

Switched on by QUERY_COUNT_HEADER; off by default, since it reveals a little about the
inside of the app.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context
from sqlalchemy import event

from lms.extensions import db


def install(app: Flask) -> None:
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        if has_request_context():
            g.query_count = g.get("query_count", 0) + 1

    @app.after_request
    def _header(response):
        response.headers["X-Query-Count"] = str(g.get("query_count", 0))
        return response
