"""The first sync after a team link is made, its direction changed or removed pauses before any
removal, whatever its size (DESIGN §4.5); a sync that applies, or an admin's answer, ends that."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Direction, Group, ManualAction, RunState, SyncState
from dashboard.sync.service import paused_plan
from jobs.preview import preview_group
from jobs.runner import run_in_foreground
from tests.starting import decision_for

from .helpers import add_local, members, sync

THINKIFIC = [f"t{i}@example.com" for i in range(4)]


def imported(site) -> tuple[Group, int]:
    """A group imported from Thinkific with 4 members there and none in the dashboard."""
    thinkific_id = site.group("Acme", *THINKIFIC)
    sync()
    return db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id)), thinkific_id


def open_removals(group: Group) -> set[str]:
    actions = db.session.scalars(select(ManualAction).filter_by(group_id=group.id))
    return {action.user.email for action in actions if action.resolved_at is None}


def test_a_new_push_link_pauses_its_first_sync_even_for_a_few_removals(site, make):
    group, thinkific_id = imported(site)
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC, just_made=True)
    run = sync(group)
    assert run.state == RunState.SUCCEEDED, run.error
    assert group.sync_state == SyncState.PAUSED
    assert group.last_error == (
        "4 removals wait for an admin's approval (the first sync since a team link changed)."
    )
    assert open_removals(group) == set()  # nothing removed, nothing left for a person to remove
    assert site.members(thinkific_id) == set(THINKIFIC)
    _, events = paused_plan(group)
    assert {(e.action, e.email) for e in events} == {("remove_remote", e) for e in THINKIFIC}


def test_approving_applies_the_removals_and_ends_the_pause(site, make):
    group, _ = imported(site)
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC, just_made=True)
    sync(group)
    run = run_in_foreground(group, decision=decision_for(group, approve=True, by=None))
    db.session.expire_all()
    assert run.state == RunState.SUCCEEDED, run.error
    assert open_removals(group) == set(THINKIFIC)
    assert group.sync_state == SyncState.IDLE
    assert group.removals_need_approval is False


def test_rejecting_keeps_the_members_and_ends_the_pause(site, make):
    group, thinkific_id = imported(site)
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC, just_made=True)
    sync(group)
    run = run_in_foreground(group, decision=decision_for(group, approve=False, by=None))
    db.session.expire_all()
    assert run.state == RunState.SUCCEEDED, run.error
    assert site.members(thinkific_id) == set(THINKIFIC)
    assert members(group) == set(THINKIFIC)  # kept: the dashboard now has them too
    assert group.removals_need_approval is False


def test_a_direction_change_pauses_a_single_removal(site, make):
    group, _ = imported(site)
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync(group)
    add_local(group, "new@example.com")
    service.change_direction(group.assignments[0], Direction.THINKIFIC_TO_DASHBOARD)
    db.session.commit()
    assert group.removals_need_approval is True  # in the same transaction as the change
    assert preview_group(group).needs_approval()  # Preview says the sync would pause
    sync(group)
    assert group.sync_state == SyncState.PAUSED
    assert members(group) == {*THINKIFIC, "new@example.com"}
    _, events = paused_plan(group)
    assert [(e.action, e.email) for e in events] == [("remove_local", "new@example.com")]


def test_a_first_sync_with_nothing_to_remove_applies_and_later_small_removals_do_not_pause(
    site, make
):
    group, thinkific_id = imported(site)
    make.assignment(group, direction=Direction.BIDIRECTIONAL, just_made=True)
    assert sync(group).added_local == 4  # the union: nothing removed, nothing held
    assert group.sync_state == SyncState.IDLE
    assert group.removals_need_approval is False
    site.remove(thinkific_id, THINKIFIC[0])
    assert sync(group).removed_local == 1  # below the limit, no link changed since
    assert group.sync_state == SyncState.IDLE


def test_unassigning_one_of_two_links_pauses_the_removals_it_brings(site, make):
    group, thinkific_id = imported(site)
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC)
    pull = make.assignment(group, direction=Direction.THINKIFIC_TO_DASHBOARD)
    sync(group)  # both ways: the dashboard gets the 4
    site.add(thinkific_id, "new@example.com")
    service.unassign(pull)  # push only now: Thinkific should mirror the dashboard
    db.session.commit()
    sync(group)
    assert group.sync_state == SyncState.PAUSED
    _, events = paused_plan(group)
    assert [(e.action, e.email) for e in events] == [("remove_remote", "new@example.com")]
    assert open_removals(group) == set()
