"""End to end: random changes on both sides with syncs in between end where §4.3 says, and a
removal in Thinkific right after the sync added the member is acted on at the next sync (§4.5)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, ManualAction, RunState, SyncMode

from .helpers import add_local, members, remove_local, sync

NAMES = ["ann", "bob", "cy", "dee"]
EXAMPLES = itertools.count()

step = st.one_of(
    st.tuples(
        st.sampled_from(["add_local", "remove_local", "add_remote", "remove_remote"]),
        st.sampled_from(NAMES),
    ),
    st.tuples(st.just("admin_removes_in_thinkific"), st.just("")),
    st.tuples(st.just("sync"), st.just("")),
)


class Sides:
    """One example's group on both sides, with the base the test expects."""

    def __init__(self, site, make, direction: Direction) -> None:
        self.n = next(EXAMPLES)
        self.site = site
        self.thinkific_id = site.group(f"Example {self.n}")
        self.group = make.group(f"Example {self.n}")  # linked by name at its first sync
        make.assignment(self.group, direction=direction)
        self.mode = self.group.sync_mode
        self.base: set[str] = set()

    def email(self, name: str) -> str:
        return f"{name}{self.n}@example.com"

    def play(self, move: str, name: str) -> None:
        email = self.email(name) if name else ""
        if move == "add_local" and email not in members(self.group):
            add_local(self.group, email)
        elif move == "remove_local" and email in members(self.group):
            remove_local(self.group, email)
        elif move == "add_remote":
            self.site.add(self.thinkific_id, email)
        elif move == "remove_remote" and email in self.remote() - self.open():
            self.site.remove(self.thinkific_id, email)
        elif move == "admin_removes_in_thinkific":
            for email in self.open() & self.remote():
                self.site.remove(self.thinkific_id, email)
        elif move == "sync":
            self.sync_and_check()

    def remote(self) -> set[str]:
        return self.site.members(self.thinkific_id)

    def open(self) -> set[str]:
        actions = db.session.scalars(
            select(ManualAction).filter_by(group_id=self.group.id, resolved_at=None)
        )
        return {action.user.email for action in actions}

    def expected(self) -> set[str]:
        local, remote = members(self.group), self.remote() - self.open()
        if self.mode == SyncMode.PULL:
            return self.remote()
        if self.mode == SyncMode.PUSH:
            return local
        return (local & remote) | (local - self.base) | (remote - self.base)

    def sync_and_check(self) -> None:
        expected = self.expected()
        run = sync(self.group)
        assert run.state == RunState.SUCCEEDED, run.error
        assert members(self.group) == expected
        assert self.remote() - self.open() == expected
        again = sync(self.group)
        assert (again.added_local, again.removed_local, again.added_remote) == (0, 0, 0)
        assert again.manual_actions == 0
        self.base = expected


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(
        [
            Direction.BIDIRECTIONAL,
            Direction.DASHBOARD_TO_THINKIFIC,
            Direction.THINKIFIC_TO_DASHBOARD,
        ]
    ),
    st.lists(step, max_size=8),
)
def test_random_changes_on_both_sides_converge(site, make, direction, moves):
    sides = Sides(site, make, direction)
    for move, name in moves:
        sides.play(move, name)
    sides.sync_and_check()


@pytest.mark.parametrize(
    ("direction", "dashboard_after", "thinkific_after"),
    [
        (Direction.BIDIRECTIONAL, set(), set()),  # the Thinkific admin's removal is kept
        (Direction.DASHBOARD_TO_THINKIFIC, {"ann"}, {"ann"}),  # Thinkific mirrors the dashboard
    ],
)
def test_a_removal_in_thinkific_right_after_a_push_is_acted_on_at_the_next_sync(
    site, make, direction, dashboard_after, thinkific_after
):
    sides = Sides(site, make, direction)
    add_local(sides.group, sides.email("ann"))
    pushed = sync(sides.group)
    assert pushed.added_remote == 1
    assert sides.remote() == {sides.email("ann")}
    site.remove(sides.thinkific_id, sides.email("ann"))  # as Thinkific's admin would
    run = sync(sides.group)
    assert run.state == RunState.SUCCEEDED, run.error
    expected = {sides.email(name) for name in dashboard_after}
    assert members(sides.group) == expected
    assert sides.remote() == {sides.email(name) for name in thinkific_after}
    assert (run.removed_local, run.added_remote) == (
        len(expected ^ {sides.email("ann")}),
        len(expected),
    )
    assert sides.open() == set(), "no manual removal for someone no longer in Thinkific"
