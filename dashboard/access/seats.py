"""Seats in SQL, for the pages: the same rule as the planner (`planner.allocate`) — a team's
seats go to its users in the order they joined it (their earliest membership in one of its
groups), ties by user id — counted and paged in the database instead of in memory.

Only a team's first users decide its seats: who holds one (the first `seat_limit`) and who is
shown left out (the next `LEFT_OUT_SHOWN`). `head` reads just those, from the start of each of
the team's groups by the index of the order members were added, so that a team of 20,000 costs
what a team of a few hundred does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CTE, and_, func, literal, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Assignment, Membership, Team, User

LEFT_OUT_SHOWN = 50
PAST_HEAD = 2**31 - 1  # the seat number of a user after their team's head: past any limit
SEAT_RULE = "Seats go to the team's users in the order they joined it (earliest first)."


def seated_count(users: int, team: Team) -> int:
    return users if team.seat_limit is None else min(users, team.seat_limit)


def left_out(team: Team, users: int) -> list[tuple[User, datetime]]:
    """The users without a seat (the latest to join), the first `LEFT_OUT_SHOWN` of them."""
    if team.seat_limit is None or users <= team.seat_limit:
        return []
    counted = select(Team.id, Team.seat_limit).where(Team.id == team.id).cte("counted")
    first = head(counted)
    rows = db.session.execute(
        select(User, first.c.joined_at)
        .join(first, first.c.user_id == User.id)
        .where(first.c.seat > team.seat_limit)
        .order_by(first.c.seat)
        .limit(LEFT_OUT_SHOWN)
    )
    return [(user, joined_at) for user, joined_at in rows]


def head(counted: CTE) -> CTE:
    """The first users of each `counted` team (columns `id`, `seat_limit`) with their seat
    numbers: at least its first `seat_limit + LEFT_OUT_SHOWN`, exactly numbered (the rest of
    its users hold no seat: `PAST_HEAD`).

    Each of a team's groups gives its first K members by the order they were added (K: the
    largest limit counted, plus those shown left out; with every member added at the K-th's
    moment): the team's first K users are among them, each with their earliest membership,
    since a user ahead of one of them in a group is ahead of them in the team. The numbers
    past a team's own first `seat_limit + LEFT_OUT_SHOWN` may run short, but never to one
    within them: they say only that those users hold no seat."""
    k = select(func.max(counted.c.seat_limit) + LEFT_OUT_SHOWN).scalar_subquery()
    links = (
        select(Assignment.team_id, Assignment.group_id)
        .where(Assignment.team_id.in_(select(counted.c.id)))  # by its index, on SQLite too
        .subquery("links")
    )
    member = aliased(Membership)
    by_group = member.group_id == links.c.group_id
    kth = select(member.added_at).where(by_group).order_by(member.added_at).offset(k - 1)
    last = select(func.max(member.added_at)).where(by_group)
    cutoff = func.coalesce(kth.limit(1).scalar_subquery(), last.scalar_subquery())
    cuts = select(links, cutoff.label("cutoff")).subquery("cuts")
    first = (
        select(cuts.c.team_id, Membership.user_id, func.min(Membership.added_at).label("joined_at"))
        .join(
            Membership,
            and_(Membership.group_id == cuts.c.group_id, Membership.added_at <= cuts.c.cutoff),
        )
        .group_by(cuts.c.team_id, Membership.user_id)
        .subquery("first")
    )
    order = (first.c.joined_at, first.c.user_id)
    seat = func.row_number().over(partition_by=first.c.team_id, order_by=order)
    numbered = select(*first.c, seat.label("seat")).cte("head")
    # read once: PostgreSQL would otherwise inline it into a join that numbers it again per row
    return numbered.prefix_with("MATERIALIZED", dialect="postgresql")


def seat_or_past(seat) -> object:
    """A user's seat number from `head`, or PAST_HEAD where they are not in it."""
    return func.coalesce(seat, literal(PAST_HEAD))
