"""Random teams, memberships and enrollments: one applied plan makes Thinkific match the rules,
and the next plan finds nothing to change.

The world is small on purpose (a few users, courses and teams) so that every rule meets every
other: seats, end dates in the past and future, several teams giving one course, enrollments
made outside the dashboard, ended and kept access.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.access.planner import (
    AccessAction,
    AccessPlan,
    AccessSnapshot,
    Held,
    Member,
    Terms,
    allocate,
    plan_access,
)

NOW = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
USERS, COURSES = range(1, 6), range(1, 4)
END_DATES = st.one_of(st.none(), st.dates(date(2026, 5, 1), date(2027, 12, 31)))


@st.composite
def teams(draw) -> list[Terms]:
    count = draw(st.integers(1, 3))
    return [
        Terms(
            team_id,
            f"Team {team_id}",
            frozenset(draw(st.sets(st.sampled_from(COURSES), max_size=3))),
            draw(END_DATES),
            draw(st.one_of(st.none(), st.integers(1, 4))),
        )
        for team_id in range(1, count + 1)
    ]


@st.composite
def memberships(draw, team_ids) -> dict[int, list[Member]]:
    return {
        team_id: [
            Member(user, NOW - timedelta(days=draw(st.integers(0, 3))))
            for user in draw(st.sets(st.sampled_from(USERS)))
        ]
        for team_id in team_ids
    }


HELD = st.builds(
    Held,
    enrollment_id=st.integers(1, 10**6),
    expires_at=st.one_of(
        st.none(), st.sampled_from([NOW - timedelta(days=3), NOW + timedelta(days=40)])
    ),
    ours=st.booleans(),
    kept_at=st.one_of(st.none(), st.just(NOW - timedelta(days=1))),
)


@st.composite
def worlds(draw) -> AccessSnapshot:
    terms = draw(teams())
    pairs = st.tuples(st.sampled_from(USERS), st.sampled_from(COURSES))
    return AccessSnapshot(
        teams={t.team_id: t for t in terms},
        members=draw(memberships([t.team_id for t in terms])),
        course_names={c: f"Course {c}" for c in COURSES},
        held=draw(st.dictionaries(pairs, HELD, max_size=8)),
        scope=frozenset(USERS),
    )


def applied(snapshot: AccessSnapshot, plan: AccessPlan) -> dict:
    held = dict(snapshot.held)
    for change in plan.changes:
        pair = (change.user_id, change.course_id)
        if change.action == AccessAction.GRANT:
            held[pair] = Held(10**7 + len(held), change.expires_at, ours=True)
        else:
            held[pair] = Held(held[pair].enrollment_id, change.expires_at, ours=True)
    return held


def seated(snapshot: AccessSnapshot) -> set[tuple[int, int]]:
    """(user, course) pairs the rules say must have access."""
    pairs = set()
    for terms in snapshot.teams.values():
        if not terms.ended(NOW.date()):
            for member in allocate(terms, snapshot.members[terms.team_id]).seated:
                pairs |= {(member.user_id, course) for course in terms.course_ids}
    return pairs


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_one_plan_makes_thinkific_match_and_then_nothing_changes(world):
    plan = plan_access(world, now=NOW)
    held = applied(world, plan)
    for pair, before in world.held.items():
        if not before.ours:
            assert held[pair] == before  # never touched
    for pair in seated(world):
        if world.held.get(pair) is None or world.held[pair].ours:
            assert held[pair].active(NOW), pair
    for pair, after in held.items():
        if after.ours and after.active(NOW) and pair not in seated(world):
            assert after.kept_at is not None, pair
    again = AccessSnapshot(world.teams, world.members, world.course_names, held, world.scope)
    assert plan_access(again, now=NOW).changes == ()


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_seat_limits_are_never_exceeded(world):
    plan = plan_access(world, now=NOW)
    for terms in world.teams.values():
        if terms.seat_limit is None:
            continue
        given_by_team = {user for user, course in plan.wanted if course in terms.course_ids}
        team_users = {m.user_id for m in world.members[terms.team_id]}
        other_teams = {
            m.user_id
            for t in world.teams.values()
            if t.team_id != terms.team_id and t.course_ids & terms.course_ids
            for m in world.members[t.team_id]
        }
        assert len((given_by_team & team_users) - other_teams) <= terms.seat_limit
