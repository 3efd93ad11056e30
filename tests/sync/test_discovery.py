"""Discovering groups (DESIGN §4.1) against the emulator."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.groups.status import group_status
from dashboard.models import (
    Direction,
    Group,
    Membership,
    RunState,
    SyncBaseMember,
    SyncEvent,
    SyncMode,
    User,
)

from .helpers import add_local, members, sync

A, B = "ann@example.com", "bob@example.com"


def by_thinkific_id(thinkific_id: int) -> Group | None:
    return db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))


def test_unknown_thinkific_groups_are_imported_not_synced(site):
    ids = [site.group(f"Group {i}", A) for i in range(3)]
    run = sync()
    assert run.state == RunState.SUCCEEDED
    assert run.groups_imported == 3
    for thinkific_id in ids:
        group = by_thinkific_id(thinkific_id)
        assert len(group.token) == 8
        assert group.sync_mode == SyncMode.NONE
        assert group_status(group).label == "Not synced"
        assert members(group) == set()  # no link syncs: its members are not read
    assert run.calls == 2  # a page of groups, a page of courses; unsynced groups are not read


def test_every_page_of_groups_is_read(site, emulator):
    emulator.control.seed(groups=[{"name": f"G{i:03}"} for i in range(260)])
    run = sync()
    assert run.groups_imported == 260
    assert run.calls == 3  # 250 a page, and the page of courses


def test_names_follow_thinkific(site, emulator):
    thinkific_id = site.group("Old name")
    sync()
    _rename_in_thinkific(emulator, thinkific_id, "New name")
    run = sync()
    group = by_thinkific_id(thinkific_id)
    assert (group.name, group.name_key) == ("New name", "new name")
    event = db.session.scalar(select(SyncEvent).filter_by(run_id=run.id))
    assert (event.action, event.reason) == (
        "rename_group",
        "New name: renamed in Thinkific (was “Old name”)",
    )


def test_a_rename_onto_a_dashboard_group_name_is_a_conflict_not_a_merge(site, make, emulator):
    thinkific_id = site.group("Old name")
    sync()
    other = make.group("Taken")
    _rename_in_thinkific(emulator, thinkific_id, "taken")
    run = sync()
    assert run.state == RunState.PARTIAL
    group = by_thinkific_id(thinkific_id)
    assert group.name == "Old name"
    assert other.thinkific_id is None
    event = db.session.scalar(select(SyncEvent).filter_by(run_id=run.id))
    assert event.action == "group_conflict"
    assert "the name of another dashboard group" in event.error


def test_a_dashboard_group_of_the_same_name_is_linked_not_duplicated(site, make):
    group = make.group("acme")  # made in the dashboard, never synced
    thinkific_id = site.group("Acme", A)
    sync()
    assert db.session.scalar(select(func.count()).select_from(Group)) == 1
    assert group.thinkific_id == thinkific_id
    assert group.name == "Acme"
    assert len(group.token) == 8


def test_a_group_deleted_in_thinkific_is_marked_and_kept(site, make, emulator):
    thinkific_id = site.group("Acme", A)
    sync()
    group = by_thinkific_id(thinkific_id)
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync()
    assert members(group) == {A}
    emulator.control.delete_group(thinkific_id)
    run = sync()
    assert run.state == RunState.SUCCEEDED
    assert group.deleted_in_thinkific_at is not None
    assert group_status(group).key == "paused"
    assert members(group) == {A}  # nothing is deleted here
    assert len(group.assignments) == 1
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    events = db.session.scalars(select(SyncEvent.action).filter_by(run_id=run.id)).all()
    assert events == ["group_deleted"]


def test_groups_that_push_are_created_in_thinkific(site, make):
    group = make.group("Made here")
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC)
    add_local(group, A)
    pulling = make.group("Only pulls")
    make.assignment(pulling, direction=Direction.THINKIFIC_TO_DASHBOARD)
    run = sync()
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.groups_created == 1
    assert group.thinkific_id == site.group_id("Made here")
    assert len(group.token) == 8
    assert site.members(group.thinkific_id) == {A}
    assert pulling.thinkific_id is None
    assert site.group_id("Only pulls") is None


def test_syncing_one_new_group_creates_it_first(site, make):
    group = make.group("Made here")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    add_local(group, B)
    run = sync(group)
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.groups_created == 1
    assert site.members(group.thinkific_id) == {B}


def test_a_group_recreated_in_thinkific_starts_over_without_removing(site, make, emulator):
    thinkific_id = site.group("Acme", A, B)
    sync()
    group = by_thinkific_id(thinkific_id)
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync()
    emulator.control.delete_group(thinkific_id)
    sync()
    new_id = site.group("Acme")  # re-created, empty: the same group by name
    run = sync()
    assert run.state == RunState.SUCCEEDED, run.error
    assert group.thinkific_id == new_id
    assert group.deleted_in_thinkific_at is None
    assert members(group) == {A, B}  # a first sync: the union, nobody removed
    assert site.members(new_id) == {A, B}
    base = db.session.scalar(select(func.count()).select_from(SyncBaseMember))
    assert base == 2
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 2


def _rename_in_thinkific(emulator, thinkific_id: int, name: str) -> None:
    """A rename in Thinkific's admin UI (the API cannot rename): the same id, a new name."""
    group = next(g for g in emulator.control.groups() if g["id"] == thinkific_id)
    emulator.control.delete_group(thinkific_id)
    emulator.control.seed(groups=[{"id": thinkific_id, "name": name, "token": group["token"]}])
