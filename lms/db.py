"""Declarative base, shared column types and the SQLite settings that make it safe to share."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, mapped_column

# Named constraints let Alembic alter and drop them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, so naive values read from it are marked as UTC.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


intpk = Annotated[int, mapped_column(primary_key=True)]
timestamp = Annotated[dt.datetime, mapped_column(UTCDateTime, default=now_utc)]
utc_datetime = Annotated[dt.datetime, mapped_column(UTCDateTime)]
str80 = Annotated[str, mapped_column(sa.String(80))]
str200 = Annotated[str, mapped_column(sa.String(200))]
str255 = Annotated[str, mapped_column(sa.String(255))]


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# How long a writer waits for another's transaction to end on SQLite before giving up.
SQLITE_BUSY_MILLISECONDS = 30_000


def configure_sqlite(engine: Engine) -> None:
    """Make concurrent writers wait for each other instead of failing.

    WAL lets readers and one writer work at once; the busy timeout makes a second writer
    wait; and BEGIN IMMEDIATE takes the write lock at the start of a transaction, so two
    transactions can never both read and then fail when the second tries to write. Pages
    fetched with GET only read, so they begin an ordinary (deferred) transaction and never
    queue behind the writers, nor keep them waiting while a long report runs.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MILLISECONDS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if _reading_request() else "BEGIN IMMEDIATE")


_only_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("only_reading",
                                                                    default=False)


@contextmanager
def only_reading() -> Iterator[None]:
    """Mark work that only reads (a report's queries run beside a request): on SQLite its
    transactions begin deferred, like a GET page's, instead of taking the write lock."""
    token = _only_reading.set(True)
    try:
        yield
    finally:
        _only_reading.reset(token)


def _reading_request() -> bool:
    from flask import has_request_context, request

    if _only_reading.get():
        return True
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
