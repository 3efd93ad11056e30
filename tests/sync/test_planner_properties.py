"""Random histories of changes on both sides, with syncs in between, end where §4.3 says.

A small model world stands in for the two sides: the dashboard's members, Thinkific's members,
open manual removals that an admin carries out at some later point, and the base. A "sync"
plans with the real planner and carries out the plan the way the applier does. After every
sync the properties of DESIGN §4.3/§4.4/§4.5 must hold. People in Thinkific remove any member
at any time, also one a sync added a moment ago: Thinkific's list is the truth (§4.5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.models import Direction, MemberSource, SyncMode
from dashboard.sync.planner import Action, Link, LocalMember, Plan, Snapshot, plan_group

PEOPLE = ["ann", "bob", "cy", "dee", "eve", "fay"]
DIRECTIONS = [Direction.BIDIRECTIONAL, Direction.DASHBOARD_TO_THINKIFIC]
DIRECTIONS += [Direction.THINKIFIC_TO_DASHBOARD]
START = datetime(2026, 1, 1, tzinfo=UTC)
STEP = timedelta(minutes=5)


@dataclass
class World:
    local: set[str] = field(default_factory=set)
    remote: set[str] = field(default_factory=set)  # what Thinkific lists
    base: set[str] = field(default_factory=set)
    open: set[str] = field(default_factory=set)  # manual removals waiting for an admin
    now: datetime = START
    synced: bool = False

    def snapshot(self) -> Snapshot:
        return Snapshot(
            local={key: LocalMember(self.now, MemberSource.DASHBOARD) for key in self.local},
            remote=frozenset(self.remote),
            base=frozenset(self.base),
            open_removals=dict.fromkeys(self.open, self.now),
            last_synced_at=self.now if self.synced else None,
        )

    def apply(self, plan: Plan) -> None:
        """Carry out a plan as the applier does (removals in Thinkific become manual)."""
        for change in plan.changes:
            key = change.key
            if change.action == Action.ADD_REMOTE:
                self.remote.add(key)  # the write answered success
            elif change.action == Action.REMOVE_REMOTE:
                assert key in self.remote, "a manual removal only for someone Thinkific lists"
                self.open.add(key)
            elif change.action == Action.ADD_LOCAL:
                self.local.add(key)
            elif change.action == Action.REMOVE_LOCAL:
                self.local.discard(key)
            elif change.action == Action.CLOSE_MANUAL:
                self.open.discard(key)
        self.base = set(plan.agreed)
        self.synced = True


def expected_target(world: World, mode: SyncMode) -> set[str]:
    """§4.3 stated per member, from the state just before the sync."""
    thinkific = world.remote - world.open
    if mode == SyncMode.PULL:
        return world.remote
    if mode == SyncMode.PUSH:
        return set(world.local)
    target = set()
    for key in world.local | thinkific | world.base:
        in_local, in_remote = key in world.local, key in thinkific
        stays = in_local and in_remote  # agreed before: stays unless removed on a side
        is_new = in_local or in_remote  # not agreed before: kept when added on either side
        if (key in world.base and stays) or (key not in world.base and is_new):
            target.add(key)
    return target


def sync(world: World, links: list[Link]) -> Plan:
    world.now += STEP
    plan = plan_group(world.snapshot(), links, now=world.now)
    expected = expected_target(world, plan.mode)
    world.apply(plan)
    assert plan.agreed == expected
    assert world.local == expected, "the dashboard ends with the target"
    assert world.remote - world.open == expected, "Thinkific ends with the target"
    assert world.open <= world.remote, "a manual removal is only open while needed"
    again = plan_group(world.snapshot(), links, now=world.now)
    assert again.changes == (), "a sync never reads its own changes back (no echo)"
    return plan


person = st.sampled_from(PEOPLE)
step = st.one_of(
    st.tuples(st.just("add_local"), person),
    st.tuples(st.just("remove_local"), person),
    st.tuples(st.just("add_remote"), person),
    st.tuples(st.just("remove_remote"), person),
    st.tuples(st.just("admin_removes_in_thinkific"), person),
    st.tuples(st.just("sync"), st.lists(st.sampled_from(DIRECTIONS), min_size=1, max_size=2)),
)


def play(world: World, move: str, arg) -> None:
    if move == "add_local":
        world.local.add(arg)
    elif move == "remove_local":
        world.local.discard(arg)
    elif move == "add_remote":
        world.remote.add(arg)
    elif move == "remove_remote" or (move == "admin_removes_in_thinkific" and arg in world.open):
        world.remote.discard(arg)


@settings(max_examples=300, deadline=None)
@given(st.lists(step, max_size=30), st.sampled_from(DIRECTIONS))
def test_random_histories_converge_to_the_merge_target(moves, final_direction):
    world = World()
    for move, arg in moves:
        if move == "sync":
            sync(world, [Link(f"T{i}", d) for i, d in enumerate(arg)])
        else:
            play(world, move, arg)
    sync(world, [Link("Final", final_direction)])


@settings(max_examples=100, deadline=None)
@given(st.sets(person), st.sets(person), st.sets(person))
def test_an_addition_on_either_side_survives_a_bidirectional_sync(local, remote, base):
    world = World(local=set(local), remote=set(remote), base=set(base), synced=bool(base))
    added = (world.local - world.base) | (world.remote - world.base)
    sync(world, [Link("Acme", Direction.BIDIRECTIONAL)])
    assert added <= world.local
    assert added <= world.remote


@settings(max_examples=100, deadline=None)
@given(
    st.sets(person, min_size=1),
    st.sampled_from(PEOPLE),
    st.sampled_from([Direction.BIDIRECTIONAL, Direction.DASHBOARD_TO_THINKIFIC]),
    st.integers(min_value=0, max_value=24 * 60),
)
def test_a_removal_in_thinkific_right_after_a_push_is_acted_on_at_the_next_sync(
    members, pushed, direction, minutes_later
):
    """Push p, a Thinkific admin removes p, sync: Bidirectional removes p from the dashboard,
    push-only adds p again, at the next sync however soon or late it comes."""
    links = [Link("Acme", direction)]
    world = World(local=set(members) | {pushed}, remote=set(members) - {pushed})
    sync(world, links)
    assert pushed in world.remote, "the push reached Thinkific"
    world.remote.discard(pushed)  # Thinkific's admin removes the member again
    world.now += timedelta(minutes=minutes_later)
    plan = sync(world, links)
    if direction == Direction.BIDIRECTIONAL:
        assert [(c.action, c.key) for c in plan.changes] == [(Action.REMOVE_LOCAL, pushed)]
        assert plan.removals == list(plan.changes), "counted toward the removal limit"
        assert pushed not in world.local
    else:
        assert [(c.action, c.key) for c in plan.changes] == [(Action.ADD_REMOTE, pushed)]
        assert pushed in world.remote
    assert not world.open, "no manual removal for someone no longer in Thinkific"
