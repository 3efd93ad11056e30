"""Database settings that differ by engine, reads without a transaction, and the rule for
waiting on Thinkific."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app, request
from sqlalchemy import Boolean, ColumnElement, any_, bindparam, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal

from .extensions import db

View = TypeVar("View", bound=Callable)
READS = frozenset({"GET", "HEAD"})


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    setup = {"sqlite": _sqlite_pragmas, "postgresql": _postgresql_in_utc}.get(engine.dialect.name)
    if setup is not None and not event.contains(engine, "connect", setup):
        event.listen(engine, "connect", setup)
    app.before_request(_reads_without_transaction)  # before sign-in loads the account


def reads_only(view: View) -> View:
    """Mark a view whose GET only reads (and whose sign-in writes at most one statement at a
    time): on PostgreSQL its statements then run without a transaction (autocommit), which
    spares the BEGIN and ROLLBACK round trips of every request. Each statement still sees the
    data committed when it starts, as it does inside a READ COMMITTED transaction."""
    view.reads_only = True  # type: ignore[attr-defined]
    return view


def _reads_without_transaction() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method not in READS or not getattr(view, "reads_only", False):
        return
    if is_postgresql() and not db.session().in_transaction():  # (a test's session may be)
        # the request's session ends with it, and its connection goes back to the pool, out
        # of autocommit again (SQLAlchemy resets the isolation level of a returned connection)
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys, and let the web, worker and clock processes share the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgresql_in_utc(dbapi_connection, _record) -> None:
    """Every session speaks UTC, as the data is stored: the driver then hands back times
    already in `datetime.UTC`, which `UTCDateTime` passes through as they are."""
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute("SET TIME ZONE 'UTC'")
    dbapi_connection.autocommit = autocommit


def is_postgresql(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "postgresql"


def end_transaction() -> None:
    """End the session's transaction before the process waits on Thinkific (a call, the shared
    request budget, a back-off): on SQLite an open write blocks every other writer, and on
    PostgreSQL even a read left open shows as idle in transaction. Anything the session holds
    is committed; loaded objects reload on their next use."""
    db.session.commit()


class Among(ColumnElement[bool]):
    """`column IN (ids)` with the ids one parameter, a list: an array on PostgreSQL (`= ANY`),
    so that the statement's text is the same whatever the number of ids (parsed once by the
    driver, prepared once by the server), and SQLAlchemy's expanding `IN` elsewhere."""

    inherit_cache = True
    type = Boolean()
    # a condition as it stands, like `IN`: never compared with 1 on SQLite (`x IN (…) = 1`),
    # which no index can answer
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement, name: str) -> None:
        self.column, self.name = column, name


@compiles(Among)
def _among_listed(element: Among, compiler, **kw) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(Among, "postgresql")
def _among_array(element: Among, compiler, **kw) -> str:
    ids = bindparam(element.name, type_=ARRAY(element.column.type))
    return compiler.process(element.column == any_(ids), **kw)
