"""Thinkific misbehaving (5xx, 429 storms, dropped connections, timeouts): every sync ends in
convergence or in a clear error on the group, and no change is lost."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group, RunState, SyncState

from .helpers import add_local, members, sync

GROUPS = 3
SIZE = 3


def with_work(site, make) -> list[tuple[Group, int, set[str]]]:
    """Bidirectional groups with members only in Thinkific and members only in the dashboard."""
    created = []
    for g in range(GROUPS):
        remote = [f"t{g}-{i}@example.com" for i in range(SIZE)]
        created.append((site.group(f"Group {g}", *remote), remote))
    sync()
    result = []
    for g, (thinkific_id, remote) in enumerate(created):
        group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
        make.assignment(group, direction=Direction.BIDIRECTIONAL)
        local = [f"d{g}-{i}@example.com" for i in range(SIZE)]
        for email in local:
            add_local(group, email)
        result.append((group, thinkific_id, set(remote) | set(local)))
    return result


def converged(site, groups) -> bool:
    db.session.expire_all()
    return all(
        members(group) == expected == site.members(thinkific_id)
        and group.sync_state == SyncState.IDLE
        for group, thinkific_id, expected in groups
    )


def nothing_lost(site, groups) -> None:
    """Every member either side had is still on that side (the faults removed nobody)."""
    db.session.expire_all()
    for group, thinkific_id, expected in groups:
        local = {e for e in expected if e.startswith("d")}
        remote = {e for e in expected if e.startswith("t")}
        assert local <= members(group)
        assert remote <= site.members(thinkific_id)


def settle(site, emulator, groups, run) -> None:
    """After a faulty run: converged, or each problem is a clear error on its group; then,
    with Thinkific healthy again, the next sync converges."""
    nothing_lost(site, groups)
    db.session.expire_all()
    if run.state != RunState.SUCCEEDED:
        failed = [group for group, _, _ in groups if group.sync_state == SyncState.ERROR]
        assert failed, run.error
        assert all(group.last_error for group in failed)
    emulator.control.clear_faults()
    assert sync().state == RunState.SUCCEEDED
    assert converged(site, groups)


def test_server_errors_are_retried(site, make, emulator, quick_retries):
    groups = with_work(site, make)
    emulator.control.add_fault("server_error", rate=0.3, status=503)
    run = sync()
    assert emulator.control.stats()["faults"]
    settle(site, emulator, groups, run)


def test_a_storm_of_429s_is_waited_out(site, make, emulator):
    groups = with_work(site, make)
    emulator.control.add_fault("rate_limit", nth=[2, 3, 5, 8], reset_after=1)
    run = sync()
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.rate_limited == 4
    assert converged(site, groups)


def test_dropped_connections_never_create_a_user_twice(site, make, emulator):
    groups = with_work(site, make)
    emulator.control.add_fault("drop", method="POST", path="/api/public/v1/users", nth=[1, 2])
    run = sync()
    settle(site, emulator, groups, run)
    emails = [user["email"] for user in emulator.control.users()]
    assert len(emails) == len(set(emails))


def test_a_read_that_times_out_fails_the_group_and_removes_nothing(site, make, emulator, app):
    groups = with_work(site, make)
    sync()
    assert converged(site, groups)
    app.config.update(THINKIFIC_TIMEOUT=(2, 0.5), THINKIFIC_RETRY={"attempts": 2})
    emulator.control.add_fault("slow", method="GET", path="/api/public/v1/users", delay=1)
    run = sync()
    assert run.state == RunState.FAILED
    db.session.expire_all()
    for group, _, _ in groups:
        assert group.sync_state == SyncState.ERROR
        assert "did not answer" in group.last_error
    assert run.removed_local == 0
    settle(site, emulator, groups, run)


def test_additions_refused_by_thinkific_are_retried_by_the_next_sync(
    site, make, emulator, quick_retries
):
    groups = with_work(site, make)
    emulator.control.add_fault("server_error", method="POST", path="/api/public/v1/group_users")
    run = sync()
    assert run.state == RunState.FAILED
    group = groups[0][0]
    assert group.sync_state == SyncState.ERROR
    assert group.last_error.startswith("3 changes failed; the next sync retries. First:")
    assert "503 on POST /api/public/v1/group_users" in group.last_error
    settle(site, emulator, groups, run)
