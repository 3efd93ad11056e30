"""The count of open manual actions a group shows (its badge on the Groups table and page)
stays the number of its open manual actions however a sync ends: a batch commits the manual
actions it opens, so a sync stopped or failed after one must count them too."""

from __future__ import annotations

import pytest
from rq.exceptions import ShutDownImminentException
from sqlalchemy import event, select, update

from dashboard.extensions import db
from dashboard.models import Direction, Group, ManualAction, RunState, SyncState
from dashboard.runs.lifecycle import reap
from dashboard.sync.apply import BATCH
from jobs.undo.service import undo_in_foreground
from tests.starting import start_sync_all

from .helpers import sync

PUSH = Direction.DASHBOARD_TO_THINKIFIC
EMAILS = [f"m{i:03}@example.com" for i in range(BATCH + 10)]


@pytest.fixture
def shut_down(app, monkeypatch):
    """`shut_down.on_statement("INSERT INTO manual_actions", at=2)`: the worker is told to
    shut down just before that statement runs the `at`-th time (RQ's work horse raises
    ShutDownImminentException wherever it is when the signal comes)."""
    listeners = []

    class Arm:
        @staticmethod
        def on_statement(start: str, at: int) -> None:
            seen = []

            def before(_conn, _cursor, statement, *_args) -> None:
                if statement.lstrip().startswith(start):
                    seen.append(statement)
                    if len(seen) == at:
                        raise ShutDownImminentException("shutting down", {})

            event.listen(db.engine, "before_cursor_execute", before)
            listeners.append(before)

    yield Arm
    for listener in listeners:
        event.remove(db.engine, "before_cursor_execute", listener)


def mirrored(site, make, app) -> tuple[Group, int]:
    """A Thinkific group of more than a batch of members, linked to mirror the dashboard's
    group, which has none of them: each is a removal a person must make in Thinkific."""
    thinkific_id = site.group("Acme", *EMAILS)
    assert sync().state == RunState.SUCCEEDED
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=PUSH)
    app.config.update(SYNC_REMOVAL_LIMIT=len(EMAILS))  # approved: no pause for the removals
    return group, thinkific_id


def open_actions(group: Group) -> int:
    db.session.expire_all()
    query = select(db.func.count()).select_from(ManualAction)
    return db.session.scalar(query.filter_by(group_id=group.id, resolved_at=None))


def test_a_sync_stopped_after_a_batch_counts_the_manual_actions_it_opened(
    site, make, app, shut_down
):
    group, _ = mirrored(site, make, app)
    shut_down.on_statement("INSERT INTO manual_actions", at=2)  # the second batch
    with pytest.raises(ShutDownImminentException):
        sync(group)
    assert open_actions(group) == BATCH  # the first batch's, committed
    assert group.sync_state == SyncState.ERROR
    assert group.open_manual_actions == BATCH


def test_a_sync_stopped_after_a_batch_counts_the_manual_actions_it_closed(
    site, make, app, shut_down
):
    group, thinkific_id = mirrored(site, make, app)
    assert sync(group).state == RunState.SUCCEEDED
    for email in EMAILS:
        site.remove(thinkific_id, email)  # a person makes the removals in Thinkific's admin
    shut_down.on_statement("UPDATE manual_actions", at=2)  # the second batch's closing
    with pytest.raises(ShutDownImminentException):
        sync(group)
    assert open_actions(group) == len(EMAILS) - BATCH  # the first batch closed theirs
    assert group.open_manual_actions == len(EMAILS) - BATCH


def test_a_failed_sync_shows_the_manual_actions_open_now(site, make, app, emulator, quick_retries):
    group, _ = mirrored(site, make, app)
    assert sync(group).state == RunState.SUCCEEDED
    assert open_actions(group) == len(EMAILS)
    # a worker killed between a batch's commit and its sync's end (SIGKILL: no except branch
    # runs) leaves the count of before the sync
    db.session.execute(update(Group).filter_by(id=group.id).values(open_manual_actions=0))
    db.session.commit()
    emulator.control.add_fault("server_error", method="GET", path="/api/public/v1/users")
    assert sync(group).state == RunState.FAILED
    assert group.sync_state == SyncState.ERROR
    assert "503" in group.last_error
    assert group.open_manual_actions == open_actions(group) == len(EMAILS)


def test_an_undo_stopped_after_a_batch_counts_the_manual_actions_it_opened(
    site, make, app, shut_down
):
    group = make.group("Sales")
    make.assignment(group, direction=PUSH)
    for email in EMAILS:
        make.member(group, make.user(email=email))
    pushed = sync(group)
    assert pushed.added_remote == len(EMAILS), pushed.error
    app.config.update(SYNC_REMOVAL_LIMIT=len(EMAILS))  # approved: no pause for the removals
    shut_down.on_statement("INSERT INTO manual_actions", at=2)  # the undo's second batch
    with pytest.raises(ShutDownImminentException):
        undo_in_foreground(pushed)
    assert open_actions(group) == BATCH
    assert group.sync_state == SyncState.ERROR
    assert group.open_manual_actions == BATCH


def test_a_sync_whose_worker_was_killed_counts_the_manual_actions_once_found_dead(site, make, app):
    """SIGKILL: no branch of the sync runs, and the group is left syncing with the count of
    before; the run found dead (by the next poll or run) ends the group with the true count."""
    group, _ = mirrored(site, make, app)
    assert sync(group).state == RunState.SUCCEEDED
    run = start_sync_all()
    run.state = RunState.RUNNING  # no heartbeat: its worker was killed mid-group
    group.sync_state, group.open_manual_actions = SyncState.SYNCING, 0
    db.session.commit()
    assert [dead.id for dead in reap()] == [run.id]
    db.session.commit()
    db.session.expire_all()
    assert group.sync_state == SyncState.ERROR
    assert group.open_manual_actions == open_actions(group) == len(EMAILS)
