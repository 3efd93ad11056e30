"""Removals Thinkific's API cannot make become manual actions (DESIGN §4.4)."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.groups.status import group_status
from dashboard.models import Direction, Group, ManualAction, SyncEvent

from .helpers import add_local, members, remove_local, sync

A, B, C = "ann@example.com", "bob@example.com", "cy@example.com"


def linked(site, make, direction=Direction.BIDIRECTIONAL) -> tuple[Group, int]:
    thinkific_id = site.group("Acme", A, B, C)
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=direction)
    sync(group)
    return group, thinkific_id


def open_actions(group: Group) -> list[ManualAction]:
    return db.session.scalars(
        select(ManualAction).filter_by(group_id=group.id, resolved_at=None)
    ).all()


def test_a_removal_in_the_dashboard_opens_a_manual_action(site, make):
    group, thinkific_id = linked(site, make)
    remove_local(group, B)
    run = sync(group)
    (action,) = open_actions(group)
    assert (action.user.email, action.run_id, action.action) == (B, run.id, "remove_remote")
    assert action.reason.startswith("remove from Thinkific: removed in the dashboard")
    assert run.manual_actions == 1
    assert run.removed_remote == 0  # nothing was removed in Thinkific, and it is not claimed
    event = db.session.scalar(select(SyncEvent).filter_by(run_id=run.id, email=B))
    assert (event.action, event.outcome) == ("manual_removal", "pending")
    assert group.open_manual_actions == 1
    assert group_status(group).title == "1 manual action open."
    assert site.members(thinkific_id) == {A, B, C}


def test_an_open_removal_is_not_read_back_as_a_thinkific_addition(site, make):
    group, _ = linked(site, make)
    remove_local(group, B)
    sync(group)
    for _ in range(2):
        run = sync(group)
        assert (run.added_local, run.manual_actions) == (0, 0)
    assert members(group) == {A, C}
    assert len(open_actions(group)) == 1


def test_the_action_resolves_when_thinkific_no_longer_lists_the_member(site, make):
    group, thinkific_id = linked(site, make)
    remove_local(group, B)
    sync(group)
    site.remove(thinkific_id, B)  # a person does it in Thinkific's admin
    run = sync(group)
    assert open_actions(group) == []
    assert group.open_manual_actions == 0
    action = db.session.scalar(select(ManualAction))
    assert action.resolution == "gone_from_thinkific"
    event = db.session.scalar(select(SyncEvent).filter_by(run_id=run.id, action="close_manual"))
    assert event.reason.startswith("resolved: no longer in the Thinkific group")
    assert members(group) == {A, C}


def test_adding_the_member_back_in_the_dashboard_closes_the_action(site, make):
    group, thinkific_id = linked(site, make)
    remove_local(group, B)
    sync(group)
    add_local(group, B)
    sync(group)
    assert open_actions(group) == []
    assert db.session.scalar(select(ManualAction.resolution)) == "no_longer_wanted"
    assert (members(group), site.members(thinkific_id)) == ({A, B, C}, {A, B, C})


def test_graphql_removals_are_used_when_enabled(site, make, emulator, app):
    emulator.control.configure(graphql_enabled=True)
    app.config.update(THINKIFIC_REMOVALS="graphql", THINKIFIC_ACCESS_TOKEN=emulator.access_token)
    group, thinkific_id = linked(site, make)
    remove_local(group, B)
    run = sync(group)
    assert run.state == "succeeded", run.error
    assert (run.removed_remote, run.manual_actions) == (1, 0)
    assert site.members(thinkific_id) == {A, C}
    assert group.open_manual_actions == 0
    sync(group)
    assert open_actions(group) == []  # the confirmation closed once Thinkific dropped b
    assert members(group) == {A, C}
