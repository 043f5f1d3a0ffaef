"""Count the SQL statements a block of code runs."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from lms.extensions import db


@contextmanager
def count_queries():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
