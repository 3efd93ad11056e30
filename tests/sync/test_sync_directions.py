"""Every direction: first sync, an addition or removal on either side, both sides changed.

Each test sets up both sides the way people would (an admin in the dashboard, an admin in
Thinkific's own UI through the emulator), runs a real sync against the emulator over HTTP, and
checks what each side then holds, and what is left for a person to do in Thinkific.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group, ManualAction, RunState

from .helpers import add_local, members, remove_local, sync

BOTH = Direction.BIDIRECTIONAL
PUSH = Direction.DASHBOARD_TO_THINKIFIC
PULL = Direction.THINKIFIC_TO_DASHBOARD
A, B, C, D, E = (f"{name}@example.com" for name in ("ann", "bob", "cy", "dee", "eve"))


def linked_group(site, make, direction, local=(), remote=()) -> tuple[Group, int]:
    """A Thinkific group the dashboard imported and linked to a team in `direction`."""
    thinkific_id = site.group("Acme", *remote)
    assert sync().state == RunState.SUCCEEDED
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, make.team("Acme Corp"), direction)
    for email in local:
        add_local(group, email)
    return group, thinkific_id


def to_remove_in_thinkific(group: Group) -> set[str]:
    actions = db.session.scalars(
        select(ManualAction).filter_by(group_id=group.id, resolved_at=None)
    )
    return {action.user.email for action in actions}


def synced(group: Group) -> None:
    run = sync(group)
    assert run.state == RunState.SUCCEEDED, run.error


@pytest.mark.parametrize(
    ("direction", "local", "remote", "manual"),
    [
        (BOTH, {A, B, C}, {A, B, C}, set()),
        (PUSH, {A, B}, {A, B, C}, {C}),  # c must be removed by hand in Thinkific
        (PULL, {B, C}, {B, C}, set()),
    ],
)
def test_first_sync(site, make, direction, local, remote, manual):
    group, thinkific_id = linked_group(site, make, direction, local={A, B}, remote={B, C})
    synced(group)
    assert members(group) == local
    assert site.members(thinkific_id) == remote
    assert to_remove_in_thinkific(group) == manual
    assert group.open_manual_actions == len(manual)
    assert group.last_synced_at is not None
    assert group.pending_changes is False


@pytest.fixture(params=[BOTH, PUSH, PULL], ids=["both", "push", "pull"])
def agreed(request, site, make):
    """A group both sides agree on ({ann, bob}) after a first sync in each direction."""
    group, thinkific_id = linked_group(site, make, request.param, local={A, B}, remote={A, B})
    synced(group)
    return request.param, group, thinkific_id


EXPECTED = {
    # change: direction → (dashboard members, Thinkific members, manual removals)
    "add_local": {
        BOTH: ({A, B, D}, {A, B, D}, set()),
        PUSH: ({A, B, D}, {A, B, D}, set()),
        PULL: ({A, B}, {A, B}, set()),  # Thinkific is the source of truth
    },
    "add_remote": {
        BOTH: ({A, B, D}, {A, B, D}, set()),
        PUSH: ({A, B}, {A, B, D}, {D}),  # the dashboard is the source of truth
        PULL: ({A, B, D}, {A, B, D}, set()),
    },
    "remove_local": {
        BOTH: ({A}, {A, B}, {B}),
        PUSH: ({A}, {A, B}, {B}),
        PULL: ({A, B}, {A, B}, set()),
    },
    "remove_remote": {
        BOTH: ({A}, {A}, set()),
        PUSH: ({A, B}, {A, B}, set()),
        PULL: ({A}, {A}, set()),
    },
}


@pytest.mark.parametrize("change", list(EXPECTED))
def test_a_change_on_one_side(site, agreed, change):
    direction, group, thinkific_id = agreed
    if change == "add_local":
        add_local(group, D)
    elif change == "add_remote":
        site.add(thinkific_id, D)
    elif change == "remove_local":
        remove_local(group, B)
    else:
        site.remove(thinkific_id, B)
    synced(group)
    local, remote, manual = EXPECTED[change][direction]
    assert (members(group), site.members(thinkific_id)) == (local, remote)
    assert to_remove_in_thinkific(group) == manual


def test_both_sides_changed_bidirectional(site, make):
    group, thinkific_id = linked_group(site, make, BOTH, local={A, B, C}, remote={A, B, C})
    synced(group)
    add_local(group, D)
    remove_local(group, B)
    site.add(thinkific_id, E)
    site.remove(thinkific_id, C)
    synced(group)
    assert members(group) == {A, D, E}
    assert site.members(thinkific_id) == {A, B, D, E}  # b waits for a person in Thinkific
    assert to_remove_in_thinkific(group) == {B}
    site.remove(thinkific_id, B)  # the person does it; the next poll sees it
    synced(group)
    assert to_remove_in_thinkific(group) == set()
    assert group.open_manual_actions == 0
    assert (members(group), site.members(thinkific_id)) == ({A, D, E}, {A, D, E})


@pytest.mark.parametrize("direction", [PUSH, PULL], ids=["push", "pull"])
def test_both_sides_changed_one_way(site, make, direction):
    group, thinkific_id = linked_group(site, make, direction, local={A, B}, remote={A, B})
    synced(group)
    add_local(group, D)
    site.add(thinkific_id, E)
    synced(group)
    if direction == PUSH:
        assert members(group) == {A, B, D}
        assert to_remove_in_thinkific(group) == {E}
    else:
        assert members(group) == {A, B, E}
        assert site.members(thinkific_id) == {A, B, E}


def test_a_second_sync_changes_nothing(agreed):
    _, group, _ = agreed
    run = sync(group)
    changes = (run.added_local, run.removed_local, run.added_remote, run.manual_actions)
    assert changes == (0, 0, 0, 0)
    assert run.calls == 1  # one page of members, nothing else
