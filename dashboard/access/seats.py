"""Seats in SQL, for the pages: the same rule as the planner (`planner.allocate`) — a team's
seats go to its users in the order they joined it (their earliest membership in one of its
groups), ties by user id — counted and paged in the database instead of in memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Subquery, func, select

from ..extensions import db
from ..models import Assignment, Membership, Team, User

LEFT_OUT_SHOWN = 50
SEAT_RULE = "Seats go to the team's users in the order they joined it (earliest first)."


def joined(team_id: int) -> Subquery:
    """Each user of the team with the moment they joined it."""
    return (
        select(Membership.user_id, func.min(Membership.added_at).label("joined_at"))
        .join(Assignment, Assignment.group_id == Membership.group_id)
        .where(Assignment.team_id == team_id)
        .group_by(Membership.user_id)
        .subquery()
    )


def seated_count(users: int, team: Team) -> int:
    return users if team.seat_limit is None else min(users, team.seat_limit)


def left_out(team: Team, users: int) -> list[tuple[User, datetime]]:
    """The users without a seat (the latest to join), the first `LEFT_OUT_SHOWN` of them."""
    if team.seat_limit is None or users <= team.seat_limit:
        return []
    order = joined(team.id)
    rows = db.session.execute(
        select(User, order.c.joined_at)
        .join(order, order.c.user_id == User.id)
        .order_by(order.c.joined_at, order.c.user_id)
        .offset(team.seat_limit)
        .limit(LEFT_OUT_SHOWN)
    )
    return [(user, joined_at) for user, joined_at in rows]


def joined_at(team: Team, user_id: int) -> datetime | None:
    order = joined(team.id)
    return db.session.scalar(select(order.c.joined_at).where(order.c.user_id == user_id))
