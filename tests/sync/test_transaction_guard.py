"""The transaction guard (tests/fixtures/transactions.py) catches a Thinkific call made inside a
write transaction, in the test's process and in a worker's; reads and committed writes pass."""

from __future__ import annotations

from sqlalchemy import update

from dashboard.extensions import db
from dashboard.models import Group
from dashboard.thinkific.client import client_from_app
from jobs.queues import queue
from tests.fixtures.transactions import READS_ENV, violations, writing_connections
from tests.fixtures.workers import wait_for


def caught(path) -> list[str]:
    """What the guard recorded, cleared so that the test itself passes."""
    found = violations(path)
    path.unlink(missing_ok=True)
    return found


def rename(group: Group, name: str) -> None:
    db.session.execute(update(Group).where(Group.id == group.id).values(name=name))


def test_a_call_inside_a_write_transaction_is_reported(app, make, transaction_guard):
    group = make.group("Sales")
    rename(group, "Sales team")
    assert writing_connections()
    with client_from_app(app) as client:
        list(client.iter_groups())
    db.session.rollback()
    found = caught(transaction_guard)
    assert len(found) == 1
    assert "GET " in found[0]
    assert "/groups" in found[0]
    assert "inside a write transaction" in found[0]


def test_reads_and_committed_writes_are_not_reported(app, make, transaction_guard, monkeypatch):
    monkeypatch.delenv(READS_ENV, raising=False)  # the default check: writes only
    group = make.group("Sales")
    rename(group, "Sales team")
    db.session.commit()
    assert db.session.get(Group, group.id).name == "Sales team"  # a read transaction is open
    assert not writing_connections()
    with client_from_app(app) as client:
        list(client.iter_groups())
    assert caught(transaction_guard) == []


def test_a_worker_calling_inside_a_write_transaction_is_reported(
    app, make, workers, transaction_guard
):
    group = make.group("Sales")
    job = queue("default").enqueue(
        "tests.fixtures.guard_jobs.rename_while_calling_thinkific", group.id
    )
    workers.start(burst=True).wait(timeout=60)
    assert job.get_status(refresh=True) == "finished"
    db.session.expire_all()
    assert db.session.get(Group, group.id).name == "Renamed"
    found = wait_for(lambda: caught(transaction_guard), what="the worker's report")
    assert "inside a write transaction" in found[0]
