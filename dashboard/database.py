"""Database settings that differ by engine, and the rule for waiting on Thinkific."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _sqlite_pragmas):
        event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Enforce foreign keys, and let the web, worker and clock processes share the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_postgresql(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "postgresql"


def end_transaction() -> None:
    """End the session's transaction before the process waits on Thinkific (a call, the shared
    request budget, a back-off): on SQLite an open write blocks every other writer, and on
    PostgreSQL even a read left open shows as idle in transaction. Anything the session holds
    is committed; loaded objects reload on their next use."""
    db.session.commit()
