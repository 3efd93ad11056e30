"""Seats in SQL, for the pages: the same rule as the planner (`planner.allocate`) — a team's
seats go to its users in the order they joined it (their earliest membership in one of its
groups), ties by user id — counted and paged in the database instead of in memory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Subquery, and_, func, or_, select

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


def seated_among(team: Team, user_ids: list[int]) -> set[int]:
    """Which of `user_ids` (users of the team) hold one of its seats."""
    if team.seat_limit is None:
        return set(user_ids)
    order = joined(team.id)
    last = db.session.execute(
        select(order.c.joined_at, order.c.user_id)
        .order_by(order.c.joined_at, order.c.user_id)
        .offset(team.seat_limit - 1)
        .limit(1)
    ).first()
    if last is None:  # fewer users than seats
        return set(user_ids)
    within = or_(  # (joined_at, user_id) <= last, spelled out for every engine
        order.c.joined_at < last[0],
        and_(order.c.joined_at == last[0], order.c.user_id <= last[1]),
    )
    rows = db.session.scalars(select(order.c.user_id).where(order.c.user_id.in_(user_ids), within))
    return set(rows)


def joined_at(team: Team, user_id: int) -> datetime | None:
    order = joined(team.id)
    return db.session.scalar(select(order.c.joined_at).where(order.c.user_id == user_id))
