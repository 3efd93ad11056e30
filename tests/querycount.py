"""Count the SQL statements a block of code sends: a list's cost must not grow with its rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from dashboard.extensions import db


@contextmanager
def count_queries() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@contextmanager
def transactions_seen() -> Iterator[set[bool]]:
    """Whether each statement sent ran inside a transaction (False: in autocommit, as the
    reads of a list page do on PostgreSQL, `database.reads_only`)."""
    seen: set[bool] = set()

    def note(connection, *_args) -> None:
        dbapi = connection.connection.dbapi_connection
        plain = isinstance(dbapi, sqlite3.Connection)
        seen.add(dbapi.isolation_level is not None if plain else not dbapi.autocommit)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
