"""Undoing a run in the foreground (as `flask sync undo` does): what it reverts on each side,
what it leaves alone and why, and what it refuses. Real engine, emulator over HTTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import (
    Activity,
    Direction,
    Group,
    ManualAction,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncRun,
)
from dashboard.sync.undo import UndoRefused, recorded_plan
from jobs.enqueue import start_group_sync
from jobs.undo.service import preview_undo, undo_in_foreground
from tests.querycount import count_queries

from .helpers import add_local, database_rows, members, remove_local, sync, thinkific_state

BOTH = Direction.BIDIRECTIONAL
A, B, C = "ann@example.com", "bob@example.com", "cy@example.com"


def linked(site, make, local=(), remote=()) -> tuple[Group, int]:
    thinkific_id = site.group("Acme", *remote)
    assert sync().state == RunState.SUCCEEDED
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, make.team("Acme Corp"), BOTH)
    for email in local:
        add_local(group, email)
    return group, thinkific_id


def synced(group: Group) -> SyncRun:
    run = sync(group)
    assert run.state == RunState.SUCCEEDED, run.error
    return run


def undone(run: SyncRun) -> SyncRun:
    undo = undo_in_foreground(run)
    db.session.expire_all()
    return undo


def open_removals(group: Group) -> set[str]:
    query = select(ManualAction).filter_by(group_id=group.id, resolved_at=None)
    actions = db.session.scalars(query)
    return {action.user.email for action in actions}


def reasons(run: SyncRun) -> dict[str, str]:
    """Each skipped line of the run's undo plan: the member and why."""
    return {line.email: line.skipped for line in recorded_plan(run).lines if line.skipped}


def test_an_undo_reverts_each_change_on_the_side_where_the_run_made_it(site, make):
    group, thinkific_id = linked(site, make, local=[A], remote=[B])
    run = synced(group)  # pushes A to Thinkific, pulls B into the dashboard
    assert site.members(thinkific_id) == {A, B}
    assert members(group) == {A, B}
    undo = undone(run)
    assert undo.state == RunState.SUCCEEDED, undo.error
    assert (undo.trigger, undo.undo_of_id) == (RunTrigger.UNDO, run.id)
    assert members(group) == {A}  # B, pulled by the run, is removed from the dashboard
    assert open_removals(group) == {A}  # A, pushed by the run, waits to be removed by hand
    assert (undo.removed_local, undo.manual_actions) == (1, 1)
    events = {e.email: e for e in db.session.scalars(select(SyncEvent).filter_by(run_id=undo.id))}
    assert events[B].reason == f"remove from the dashboard: added to the dashboard by run #{run.id}"
    assert events[A].reason == f"remove from Thinkific: added in Thinkific by run #{run.id}"
    kinds = db.session.scalars(select(Activity.kind).where(Activity.kind == "run_undo_started"))
    assert list(kinds) == ["run_undo_started"]


def test_with_graphql_removals_the_member_is_removed_from_thinkific(app, site, make, emulator):
    emulator.control.configure(graphql_enabled=True)
    app.config.update(THINKIFIC_REMOVALS="graphql", THINKIFIC_ACCESS_TOKEN=emulator.access_token)
    group, thinkific_id = linked(site, make, local=[A], remote=[B])
    run = synced(group)
    undo = undone(run)
    assert undo.state == RunState.SUCCEEDED, undo.error
    assert (undo.removed_remote, undo.manual_actions) == (1, 0)
    assert site.members(thinkific_id) == {B}
    assert members(group) == {A}


def test_members_a_run_removed_are_added_back(site, make):
    group, thinkific_id = linked(site, make, remote=[A, B])
    synced(group)  # both sides agree on A and B
    site.remove(thinkific_id, B)  # removed in Thinkific…
    run = synced(group)  # … so the sync removes B from the dashboard
    assert members(group) == {A}
    assert undone(run).state == RunState.SUCCEEDED
    assert members(group) == {A, B}  # back in the dashboard
    assert synced(group).added_remote == 1  # and the next sync brings B back to Thinkific
    assert site.members(thinkific_id) == {A, B}


def test_a_change_made_again_by_a_later_run_is_skipped_with_the_reason(site, make):
    group, thinkific_id = linked(site, make, remote=[A, C])
    synced(group)
    remove_local(group, C)
    first = synced(group)  # C: a manual removal in Thinkific
    site.remove(thinkific_id, C)
    synced(group)  # the removal is seen done
    add_local(group, C)
    later = synced(group)  # C re-added in Thinkific
    assert reasons(first) == {C: f"{C} was re-added in Thinkific by run #{later.id}"}
    undo = undone(first)
    assert undo.state == RunState.SUCCEEDED
    assert site.members(thinkific_id) == {A, C}
    event = db.session.scalar(select(SyncEvent).filter_by(run_id=undo.id, email=C))
    assert event.outcome == "skipped"
    assert f"re-added in Thinkific by run #{later.id}" in event.reason


def test_a_member_an_admin_removed_since_is_skipped_with_the_reason(site, make):
    group, _ = linked(site, make, remote=[B])
    run = synced(group)  # pulls B
    remove_local(group, B)
    skipped = reasons(run)[B]
    assert skipped.startswith(f"{B} was removed from the dashboard by an admin on ")


def test_a_member_no_longer_there_is_skipped_when_re_planned(site, make):
    group, thinkific_id = linked(site, make, local=[A])
    run = synced(group)  # pushes A
    site.remove(thinkific_id, A)  # removed in Thinkific since, no sync yet
    preview = preview_undo(run)
    (line,) = preview.groups[0].lines
    assert line.skipped == f"{A} is no longer in the Thinkific group"
    assert preview.changes == 0


def test_a_preview_writes_nothing_anywhere(site, make, emulator):
    group, _ = linked(site, make, local=[A], remote=[B])
    run = synced(group)
    before, remote = database_rows(), thinkific_state(emulator.control)
    preview = preview_undo(run)
    assert preview.changes == 2
    assert not preview.failed
    assert database_rows() == before
    assert thinkific_state(emulator.control) == remote


def test_groups_a_run_created_are_left_alone_and_said_so(site, make):
    group = make.group("New in Thinkific")
    make.assignment(group, make.team("Beta"), BOTH)
    add_local(group, A)
    run = synced(group)
    assert run.groups_created == 1
    (alone,) = recorded_plan(run).left_alone
    assert "created in Thinkific by run" in alone.reason
    assert "left alone: an undo never deletes" in alone.reason
    undone(run)
    assert site.group_id("New in Thinkific") is not None


def test_undoing_twice_an_undo_or_a_running_run_is_refused(site, make):
    group, _ = linked(site, make, local=[A])
    run = synced(group)
    undo = undone(run)
    for target, words in [
        (run, f"Run #{run.id} was already undone by run #{undo.id}"),
        (undo, f"Run #{undo.id} is itself an undo (of run #{run.id})"),
    ]:
        before = database_rows()
        with pytest.raises(UndoRefused, match=re.escape(words)):
            undo_in_foreground(target)
        assert database_rows() == before
    running = start_group_sync(group)  # queued, no worker: still going
    with pytest.raises(UndoRefused, match="is still running"):
        undo_in_foreground(running)


def test_a_group_that_only_pushes_is_told_the_next_sync_would_cancel_the_removal(site, make):
    thinkific_id = site.group("Acme")
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, make.team("Acme Corp"), Direction.DASHBOARD_TO_THINKIFIC)
    add_local(group, A)
    run = synced(group)  # pushes A
    (undo,) = preview_undo(run).groups
    assert [(c.key, c.action) for c in undo.plan.changes] == [(A, "remove_remote")]
    (again,) = undo.next_sync  # A is still a dashboard member, which Thinkific mirrors
    assert (again.key, again.action) == (A, "close_manual")
    assert again.reason == "closed: added back in the dashboard"


def test_a_group_whose_links_no_longer_sync_is_left_alone(site, make):
    group, thinkific_id = linked(site, make, local=[A])
    run = synced(group)
    for assignment in group.assignments:
        assignment.direction = Direction.DISABLED
    db.session.commit()
    (line,) = preview_undo(run).groups[0].lines
    assert line.skipped == "no team link of this group syncs any more"
    assert undone(run).manual_actions == 0
    assert site.members(thinkific_id) == {A}


def test_a_failed_read_changes_nothing_and_the_undo_can_be_tried_again(
    site, make, emulator, quick_retries
):
    group, thinkific_id = linked(site, make, local=[A], remote=[B])
    run = synced(group)
    emulator.control.add_fault(
        "server_error", method="GET", path="/api/public/v1/users", status=503
    )
    failed = undone(run)
    assert failed.state == RunState.FAILED
    assert "Nothing of the undo was changed in this group" in failed.error
    assert members(group) == {A, B}
    assert open_removals(group) == set()
    emulator.control.clear_faults()
    again = undone(run)
    assert again.state == RunState.SUCCEEDED, again.error
    assert members(group) == {A}
    assert site.members(thinkific_id) == {A, B}  # A waits for a manual removal
    assert open_removals(group) == {A}


def test_planning_the_undo_of_a_big_run_costs_a_few_queries(site, make):
    group, _ = linked(site, make, remote=["m0@example.com"])
    small = synced(group)  # pulls one member
    for n in range(1, 41):
        add_local(group, f"m{n}@example.com")
    big = synced(group)  # pushes forty
    db.session.refresh(small)
    db.session.refresh(big)
    with count_queries() as one:
        assert len(recorded_plan(small).lines) == 1
    with count_queries() as forty:
        assert len(recorded_plan(big).lines) == 40
    assert len(forty) == len(one) <= 10


def test_a_group_waiting_for_an_answer_is_left_until_it_is_answered(app, site, make):
    app.config.update(SYNC_REMOVAL_LIMIT=0, SYNC_REMOVAL_LIMIT_PERCENT=0)
    group, thinkific_id = linked(site, make, remote=[A, B])
    run = synced(group)  # pulls A and B
    site.remove(thinkific_id, B)
    paused = sync(group)  # the removal of B waits for an admin
    assert group.sync_state == "paused"
    (line,) = [line for line in preview_undo(run).groups[0].lines if line.email == A]
    waits = f"the group waits for an admin's answer to a paused plan (run #{paused.id})"
    assert line.skipped == f"{waits}: answer it first"
    undo = undone(run)
    assert undo.removed_local == 0
    assert members(group) == {A, B}
    assert db.session.get(Group, group.id).sync_state == "paused"
