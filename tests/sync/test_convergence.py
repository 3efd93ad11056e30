"""End to end: random changes on both sides with syncs in between end where §4.3 says, and
Thinkific's late listing of additions is never read back as a removal."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, ManualAction, RunState, SyncMode, SyncPush
from tests.fixtures.workers import wait_for

from .helpers import add_local, members, remove_local, sync

NAMES = ["ann", "bob", "cy", "dee"]
EXAMPLES = itertools.count()

step = st.one_of(
    st.tuples(st.sampled_from(["add_local", "remove_local", "add_remote", "remove_remote"]),
              st.sampled_from(NAMES)),
    st.tuples(st.just("admin_removes_in_thinkific"), st.just("")),
    st.tuples(st.just("sync"), st.just("")),
)  # fmt: skip


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
    st.sampled_from([Direction.BIDIRECTIONAL, Direction.DASHBOARD_TO_THINKIFIC,
                     Direction.THINKIFIC_TO_DASHBOARD]),
    st.lists(step, max_size=8),
)  # fmt: skip
def test_random_changes_on_both_sides_converge(site, make, direction, moves):
    sides = Sides(site, make, direction)
    for move, name in moves:
        sides.play(move, name)
    sides.sync_and_check()


def test_an_addition_thinkific_lists_late_is_not_read_back(site, make, emulator):
    sides = Sides(site, make, Direction.BIDIRECTIONAL)
    emulator.control.configure(membership_delay=1.5)
    add_local(sides.group, sides.email("ann"))
    sync(sides.group)
    assert sides.site.listed(sides.thinkific_id) == set()  # not listed yet
    run = sync(sides.group)
    assert (run.removed_local, run.added_remote, run.calls) == (0, 0, 1)
    assert members(sides.group) == {sides.email("ann")}
    assert db.session.scalar(select(SyncPush.group_id)) == sides.group.id
    wait_for(lambda: sides.site.listed(sides.thinkific_id), what="Thinkific to list ann")
    sync(sides.group)
    assert db.session.scalar(select(SyncPush.group_id)) is None  # seen: no longer in flight
