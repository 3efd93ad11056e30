"""The database connection or Redis lost in the middle of a batch: the run goes on, or stops
and the next run records what Thinkific already did (re-discovering it) without doing anything
there twice."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest
import redis
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from dashboard import embedded_redis
from dashboard.extensions import db
from dashboard.models import Direction, RunState, SyncRun
from dashboard.redis_client import get_redis
from dashboard.thinkific import transport
from tests.access.helpers import configure, enrollments, records, school, team_with_group

from .helpers import add_local, members, sync

EMAILS = [f"new{i}@example.com" for i in range(4)]


@pytest.fixture
def own_redis(tmp_path):
    """A redis-server of the test's own (its folder), which a test may stop and start."""
    folder = tmp_path / "redis"
    url = embedded_redis.start(folder)
    yield folder, url
    embedded_redis.stop(folder)


@pytest.fixture
def app_config(app_config, own_redis) -> dict:
    return {**app_config, "REDIS_URL": own_redis[1]}


@pytest.fixture
def lose_database(app, monkeypatch):
    """Cut every database connection of the test's database, as a network drop would
    (PostgreSQL terminates the backends; SQLite's connections are closed under the pool):
    `lose_database.on_request("POST", "/group_users", at=2)` just before that request is sent
    the `at`-th time; `lose_database.on_statement("UPDATE users", at=1)` just before that
    statement runs."""
    opened: list = []
    db.engine.dispose()
    event.listen(db.engine, "connect", lambda connection, _record: opened.append(connection))

    class Arm:
        @staticmethod
        def on_request(method: str, path: str, at: int) -> None:
            count = _counter(at, lambda: _cut(opened))
            hook = lambda sent, url: count(sent == method and url.endswith(path))  # noqa: E731
            monkeypatch.setattr(transport, "BEFORE_SEND", [*transport.BEFORE_SEND, hook])

        @staticmethod
        def on_statement(start: str, at: int) -> None:
            count = _counter(at, lambda: _cut(opened))

            def before(_conn, _cursor, statement, *_args) -> None:
                count(statement.lstrip().startswith(start))

            event.listen(db.engine, "before_cursor_execute", before)

    return Arm


def _counter(at: int, action):
    seen = []

    def count(matches: bool) -> None:
        if matches:
            seen.append(True)
            if len(seen) == at:
                action()

    return count


def _cut(opened: list) -> None:
    if db.engine.dialect.name == "postgresql":
        url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    else:
        for connection in opened:
            assert isinstance(connection, sqlite3.Connection)
            connection.close()


def posts(emulator, path: str) -> int:
    return sum(
        1 for r in emulator.control.requests() if r["method"] == "POST" and r["path"].endswith(path)
    )


def pushes(make, emails=EMAILS):
    group = make.group("Sales")
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC)
    for email in emails:
        add_local(group, email)
    return group


def assert_pushed_once(site, emulator, group) -> None:
    thinkific_id = site.group_id("Sales")
    assert members(group) == site.members(thinkific_id) == set(EMAILS)
    assert posts(emulator, "/users") == len(EMAILS)  # each user created once
    assert sorted(u["email"] for u in emulator.control.users() if u["email"] in EMAILS) == EMAILS


def test_a_connection_dropped_while_thinkific_is_called_does_not_stop_the_run(
    site, make, emulator, lose_database
):
    group = pushes(make)
    lose_database.on_request("POST", "/group_users", at=2)
    run = sync(group)
    assert run.state == RunState.SUCCEEDED  # no connection was held: a fresh one writes
    assert run.added_remote == len(EMAILS)
    assert_pushed_once(site, emulator, group)


def test_writes_lost_with_the_connection_are_recovered_by_the_next_run(
    site, make, emulator, lose_database
):
    group = pushes(make)
    lose_database.on_statement("UPDATE users SET thinkific_id", at=1)  # the batch's writes
    with pytest.raises(DBAPIError) as lost:
        sync(group)
    assert lost.value.connection_invalidated
    said = get_redis().get(f"sync:death:{latest_run_id()}").decode()  # for whoever finds it
    assert said.startswith("The database connection was lost during this run"), said
    assert site.members(site.group_id("Sales")) == set(EMAILS)  # Thinkific's writes were made
    assert sync(group).state == RunState.SUCCEEDED
    assert_pushed_once(site, emulator, group)


def test_enrollments_whose_record_was_lost_stay_the_dashboards(site, make, emulator, lose_database):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    for email in EMAILS:
        make.member(group, make.user(email=email, thinkific_id=site.user(email)))
    lose_database.on_statement("UPDATE access_enrollments", at=1)  # the batch's writes
    with pytest.raises(DBAPIError):
        sync(group)
    assert {email for email, _ in enrollments(emulator.control)} == set(EMAILS)

    run = sync()
    assert run.state == RunState.SUCCEEDED, run.error
    assert posts(emulator, "/enrollments") == len(EMAILS)  # none enrolled twice
    assert len(emulator.control.enrollments()) == len(EMAILS)
    assert {r.created_by_dashboard for r in records()} == {True}
    assert all(r.thinkific_id for r in records())


def test_a_redis_outage_mid_batch_leaves_nothing_to_do_twice(
    site, make, emulator, own_redis, monkeypatch
):
    group = pushes(make)
    folder, _ = own_redis
    stop = _counter(2, lambda: embedded_redis.stop(folder))
    hook = lambda method, url: stop(method == "POST" and url.endswith("/group_users"))  # noqa: E731
    monkeypatch.setattr(transport, "BEFORE_SEND", [*transport.BEFORE_SEND, hook])
    with pytest.raises(redis.ConnectionError):
        sync(group)  # the request budget lives in Redis: no call goes out without it
    monkeypatch.setattr(transport, "BEFORE_SEND", [h for h in transport.BEFORE_SEND if h != hook])
    embedded_redis.start(folder)
    assert len(site.members(site.group_id("Sales"))) == 2

    assert sync(group).state == RunState.SUCCEEDED
    assert_pushed_once(site, emulator, group)


def latest_run_id() -> int:
    db.session.rollback()
    return db.session.scalar(db.select(db.func.max(SyncRun.id)))
