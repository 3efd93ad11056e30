"""Safety (DESIGN §4.5): failed reads remove nothing, big removals wait for an admin, and
nothing the sync does deletes a user, a team or a group."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.groups.status import group_status
from dashboard.models import (
    Direction,
    EventOutcome,
    Group,
    RunState,
    SyncEvent,
    SyncState,
    Team,
    User,
)
from dashboard.sync.service import paused_plan
from jobs.enqueue import NothingToDecide
from jobs.runner import run_in_foreground
from tests.fixtures.workers import wait_for
from tests.starting import approve_paused_plan, decision_for, reject_paused_plan

from .helpers import members, sync

EMAILS = [f"m{i:02}@example.com" for i in range(40)]


def linked(site, make, direction=Direction.BIDIRECTIONAL) -> tuple[Group, int]:
    thinkific_id = site.group("Acme", *EMAILS)
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=direction)
    assert sync(group).state == RunState.SUCCEEDED
    return group, thinkific_id


def remove_in_thinkific(site, thinkific_id: int, emails) -> None:
    for email in emails:
        site.remove(thinkific_id, email)


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (User, Team, Group)
    )


def test_a_failed_read_removes_nothing_and_says_why(site, make, emulator, quick_retries):
    group, _ = linked(site, make)
    emulator.control.add_fault("server_error", method="GET", path="/api/public/v1/users")
    run = sync(group)
    assert run.state == RunState.FAILED
    assert group.sync_state == SyncState.ERROR
    assert "Could not read the group's members from Thinkific" in group.last_error
    assert group_status(group).key == "error"
    assert members(group) == set(EMAILS)
    assert run.removed_local == 0
    assert run.error.startswith("Acme: Could not read")


def test_removals_above_the_limit_pause_the_group(site, make):
    group, thinkific_id = linked(site, make)  # 40 members; limit: above 10 and above 20 %
    remove_in_thinkific(site, thinkific_id, EMAILS[:12])  # 12 > 10, 30 % > 20 %
    run = sync(group)
    assert run.state == RunState.SUCCEEDED
    assert group.sync_state == SyncState.PAUSED
    assert group_status(group).label == "Paused"
    assert group.last_error == "12 removals wait for an admin's approval (above the removal limit)."
    assert members(group) == set(EMAILS)  # nothing removed before approval
    paused_run, events = paused_plan(group)
    assert paused_run.id == run.id
    assert {(e.action, e.outcome) for e in events} == {("remove_local", EventOutcome.PENDING)}
    assert {e.email for e in events} == set(EMAILS[:12])


def test_a_paused_group_waits_for_the_admin(site, make):
    group, thinkific_id = linked(site, make)
    remove_in_thinkific(site, thinkific_id, EMAILS[:12])
    sync(group)
    sync()  # the next poll leaves it alone
    assert group.sync_state == SyncState.PAUSED
    assert members(group) == set(EMAILS)


def test_approval_applies_the_removals(site, make, workers):
    group, thinkific_id = linked(site, make)
    remove_in_thinkific(site, thinkific_id, EMAILS[:12])
    sync(group)
    admin = make.account()
    run = approve_paused_plan(group, admin)
    assert group.sync_state == SyncState.QUEUED
    workers.start(burst=True).wait(timeout=60)
    db.session.expire_all()
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.removed_local == 12
    assert members(group) == set(EMAILS[12:])
    assert group.sync_state == SyncState.IDLE
    assert paused_plan(group) == (None, [])
    assert counts() == (40, 1, 1)  # users, teams and groups are never deleted


def test_rejection_keeps_the_members_on_both_sides(site, make):
    group, thinkific_id = linked(site, make)
    remove_in_thinkific(site, thinkific_id, EMAILS[:12])
    sync(group)
    decision = decision_for(group, approve=False, by=None)
    run = run_in_foreground(group, decision=decision)
    db.session.expire_all()
    assert run.state == RunState.SUCCEEDED, run.error
    assert members(group) == set(EMAILS)
    assert site.members(thinkific_id) == set(EMAILS)  # put back where they were removed
    assert group.sync_state == SyncState.IDLE
    assert sync(group).removed_local == 0  # and it stays that way
    rejected = db.session.scalars(select(SyncEvent.error).filter_by(action="remove_local")).all()
    assert set(rejected) == {"rejected by an admin"}


def test_reject_through_the_queue(site, make, workers):
    group, thinkific_id = linked(site, make)
    remove_in_thinkific(site, thinkific_id, EMAILS[:12])
    sync(group)
    run = reject_paused_plan(group, make.account())
    workers.start(burst=True).wait(timeout=60)
    done = wait_for(lambda: _refreshed(run), what="the run")
    assert done.state == RunState.SUCCEEDED, done.error
    assert site.members(thinkific_id) == set(EMAILS)


def test_only_a_paused_group_can_be_approved(make):
    with pytest.raises(NothingToDecide, match="has no sync plan waiting for approval"):
        approve_paused_plan(make.group(), None)


def test_small_removals_do_not_pause(site, make):
    group, thinkific_id = linked(site, make)
    remove_in_thinkific(site, thinkific_id, EMAILS[:5])
    run = sync(group)
    assert group.sync_state == SyncState.IDLE
    assert run.removed_local == 5


def _refreshed(run):
    db.session.expire_all()
    return run if run.state not in (RunState.QUEUED, RunState.RUNNING) else None


def test_an_absence_in_a_list_of_several_pages_is_checked_before_it_removes(site, make, emulator):
    emails = [f"p{i:03}@example.com" for i in range(260)]  # two pages of members
    emulator.control.seed(
        groups=[{"name": "Big"}],
        users=[{"email": email} for email in emails],
        memberships=[{"group_name": "Big", "email": email} for email in emails],
    )
    thinkific_id = site.group_id("Big")
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync(group)
    site.remove(thinkific_id, emails[0])
    run = sync(group)
    assert run.removed_local == 1
    assert run.calls == 3  # two pages, and one look at the member said to be gone
    assert members(group) == set(emails[1:])
