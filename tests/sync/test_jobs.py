"""Sync jobs on real RQ workers (subprocesses): one run per scope, killed and stopped workers."""

from __future__ import annotations

from sqlalchemy import func, select, text

from dashboard.extensions import db
from dashboard.models import Direction, Group, RunState, SyncRun, SyncState
from dashboard.redis_client import get_redis
from dashboard.runs import lifecycle as runs
from dashboard.runs.progress import current_run
from jobs.enqueue import start_group_sync
from tests.fixtures.workers import wait_for
from tests.starting import start_sync_all

from .helpers import add_local, members, sync

BOTH = Direction.BIDIRECTIONAL


def finished(run_id: int) -> SyncRun | None:
    db.session.expire_all()
    run = db.session.get(SyncRun, run_id)
    return run if run.state not in runs.ACTIVE else None


def groups_with_work(site, make, count: int, size: int) -> list[tuple[Group, int]]:
    """`count` bidirectional groups, each with `size` members only in the dashboard and
    `size` only in Thinkific, so that a sync has work on both sides."""
    ids = [
        site.group(f"Group {g}", *(f"t{g}-{i}@example.com" for i in range(size)))
        for g in range(count)
    ]
    assert sync().state == RunState.SUCCEEDED
    pairs = []
    for g, thinkific_id in enumerate(ids):
        group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
        make.assignment(group, direction=BOTH)
        for i in range(size):
            add_local(group, f"d{g}-{i}@example.com")
        pairs.append((group, thinkific_id))
    return pairs


def assert_converged(site, pairs, size: int) -> None:
    db.session.expire_all()
    for g, (group, thinkific_id) in enumerate(pairs):
        expected = {f"{side}{g}-{i}@example.com" for side in "td" for i in range(size)}
        assert members(group) == expected
        assert site.members(thinkific_id) == expected
        assert group.users_count == len(expected)
        assert group.sync_state == SyncState.IDLE


def test_sync_all_runs_on_a_worker(site, make, workers):
    pairs = groups_with_work(site, make, count=2, size=2)
    run = start_sync_all(by=make.account())
    assert run.state == RunState.QUEUED
    assert {group.sync_state for group, _ in pairs} == {SyncState.IDLE}
    workers.start()
    done = wait_for(lambda: finished(run.id), what="the run to finish")
    assert done.state == RunState.SUCCEEDED, done.error
    assert (done.groups_done, done.groups_total) == (2, 2)
    assert done.added_remote == 4
    assert done.added_local == 4
    assert done.calls > 0
    assert_converged(site, pairs, size=2)


def test_pressing_sync_groups_twice_shows_the_first_run(make):
    first = start_sync_all()
    second = start_sync_all()
    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(SyncRun)) == 1
    assert current_run().id == first.id


def test_one_sync_per_group(make):
    group = make.group()
    make.assignment(group, direction=BOTH)
    first = start_group_sync(group)
    assert start_group_sync(group).id == first.id
    assert group.sync_state == SyncState.QUEUED


def test_a_run_whose_job_vanished_is_failed_and_frees_its_groups(make, app):
    group = make.group()
    make.assignment(group, direction=BOTH)
    run = start_group_sync(group)
    get_redis().delete(f"rq:job:{run.job_id}")  # e.g. Redis lost it
    assert current_run(group) is None
    db.session.expire_all()
    assert run.state == RunState.FAILED
    assert group.sync_state == SyncState.IDLE
    assert group.pending_changes is True
    assert start_group_sync(group).id != run.id


def test_a_killed_worker_leaves_nothing_stuck_and_a_rerun_converges(site, make, workers, emulator):
    pairs = groups_with_work(site, make, count=4, size=4)
    emulator.control.configure(latency=0.2)  # about 2.5 s per group
    run = start_sync_all()
    worker = workers.start()
    wait_for(lambda: _progress(run.id) >= 1, what="the run to get going")
    workers.kill(worker)  # somewhere in the second group
    assert finished(run.id) is None
    wait_for(lambda: current_run() is None, what="the dead run to be noticed")
    db.session.expire_all()
    assert run.state == RunState.FAILED
    assert "worker stopped" in run.error
    assert not [g for g, _ in pairs if g.sync_state in (SyncState.QUEUED, SyncState.SYNCING)]
    emulator.control.configure(latency=0)
    again = start_sync_all()
    workers.start()
    done = wait_for(lambda: finished(again.id), what="the re-run to finish")
    assert done.state == RunState.SUCCEEDED, done.error
    assert_converged(site, pairs, size=4)
    emails = [user["email"] for user in emulator.control.users()]
    assert len(emails) == len(set(emails)), "no user was created twice in Thinkific"


def test_sigterm_stops_the_run_cleanly(site, make, workers, emulator):
    pairs = groups_with_work(site, make, count=6, size=4)
    emulator.control.configure(latency=0.2)  # more left than the 6 s a stopping horse gets
    run = start_sync_all()
    worker = workers.start()
    wait_for(lambda: _progress(run.id) >= 1, what="the run to get going")
    assert workers.stop(worker) == 0
    db.session.expire_all()
    assert run.state == RunState.FAILED
    assert run.error.startswith("Stopped")
    assert current_run() is None
    stuck = [g for g, _ in pairs if g.sync_state in (SyncState.QUEUED, SyncState.SYNCING)]
    assert stuck == []


def _progress(run_id: int) -> int:
    db.session.expire_all()
    return db.session.get(SyncRun, run_id).groups_done


def test_a_killed_worker_is_found_dead_at_once_not_a_heartbeat_later(site, make, workers, emulator):
    groups_with_work(site, make, count=3, size=3)
    emulator.control.configure(latency=0.2)
    run = start_sync_all()
    worker = workers.start()
    wait_for(lambda: _progress(run.id) >= 1, what="the run to get going")
    workers.kill(worker)
    assert get_redis().exists(f"sync:alive:{run.id}")  # its heartbeat has not lapsed yet
    wait_for(lambda: current_run() is None, timeout=2, what="the dead run to be found dead")
    db.session.expire_all()
    assert run.state == RunState.FAILED
    assert "worker stopped" in run.error
    assert not get_redis().keys("sync:lock:*"), "its group locks are freed with it"


def test_a_groups_last_success_is_never_later_than_its_last_attempt(site, make):
    ((group, _),) = groups_with_work(site, make, count=1, size=1)
    assert sync().state == RunState.SUCCEEDED
    db.session.expire_all()
    assert group.last_synced_at is not None
    assert group.last_synced_at <= group.last_attempt_at


def test_a_run_whose_database_failed_says_so_not_that_the_worker_stopped(
    site, make, workers, emulator
):
    """A table the run writes to goes away for a moment (a failed migration, a DBA's slip)."""
    groups_with_work(site, make, count=4, size=4)
    emulator.control.configure(latency=0.2)
    run = start_sync_all()
    workers.start()
    wait_for(lambda: _progress(run.id) >= 1, what="the run to get going")
    db.session.execute(text("ALTER TABLE sync_run_groups RENAME TO gone_for_a_moment"))
    db.session.commit()
    done = wait_for(lambda: finished(run.id), what="the run's end")
    db.session.execute(text("ALTER TABLE gone_for_a_moment RENAME TO sync_run_groups"))
    db.session.commit()
    expected = "The database failed during this run ("
    assert done.state == RunState.FAILED
    assert done.error.startswith(expected), done.error
    assert "worker stopped" not in done.error
