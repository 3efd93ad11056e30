"""Who is in which team, read from the database for access: each team's users with the moment
they joined it, in one query per `CHUNK` users (`loading.load_view` puts them together)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import and_, exists, func, literal, select, union_all

from ..extensions import db
from ..models import AccessEnrollment, Assignment, Course, Membership, Team, team_courses
from .planner import Member, Terms

CHUNK = 500  # ids per IN (...) query


def load_members(team_ids: Iterable[int] | None, user_ids: Iterable[int] | None = None):
    """team id → its users, each with the moment they joined it (their earliest membership).

    With `team_ids` None: the teams of `user_ids` (only those users)."""
    members: dict[int, list[Member]] = defaultdict(list)
    query = (
        select(Assignment.team_id, Membership.user_id, func.min(Membership.added_at))
        .join(Membership, Membership.group_id == Assignment.group_id)
        .group_by(Assignment.team_id, Membership.user_id)
    )
    if team_ids is not None:
        members |= {team_id: [] for team_id in team_ids}
        if not members:
            return dict(members)
        query = query.where(Assignment.team_id.in_(list(members)))
    for chunk in chunks(user_ids):
        rows = query if chunk is None else query.where(Membership.user_id.in_(chunk))
        for team_id, user_id, joined_at in db.session.execute(rows):
            members[team_id].append(Member(user_id, aware(joined_at)))
    return dict(members)


def load_scope_members(user_ids: Iterable[int]) -> dict[int, list[Member]]:
    """The teams of `user_ids`, each with those of its users, and with all of them where seats
    count (a seat limit and a course given): in one query per `CHUNK` users, a team read in
    full once."""
    members: dict[int, list[Member]] = defaultdict(list)
    in_full: set[int] = set()
    for chunk in chunks(sorted(user_ids)):
        rows = db.session.execute(_scope_members(chunk, in_full)).all()
        in_full.update(team_id for team_id, _, _, whole in rows if whole)
        for team_id, user_id, joined_at, _ in rows:
            members[team_id].append(Member(user_id, aware(joined_at)))
    return dict(members)


def _scope_members(chunk: list[int], in_full: set[int]):
    """Every user of these users' teams where seats count, but teams read in full already
    (whole = 1), and these users in their other teams (whole = 0): no row twice."""
    members = (
        select(Assignment.team_id, Membership.user_id, func.min(Membership.added_at))
        .join(Membership, Membership.group_id == Assignment.group_id)
        .join(Team, Team.id == Assignment.team_id)
        .group_by(Assignment.team_id, Membership.user_id)
    )
    gives = exists().where(
        team_courses.c.team_id == Team.id,
        Course.id == team_courses.c.course_id,
        Course.deleted_in_thinkific_at.is_(None),
    )
    seats_count = and_(Team.seat_limit.is_not(None), gives)
    their_teams = (
        select(Assignment.team_id)
        .join(Membership, Membership.group_id == Assignment.group_id)
        .where(Membership.user_id.in_(chunk))
    )
    whole = and_(Assignment.team_id.in_(their_teams), seats_count)
    if in_full:
        whole = and_(whole, Assignment.team_id.not_in(sorted(in_full)))
    return union_all(
        members.add_columns(literal(1)).where(whole),
        members.add_columns(literal(0)).where(Membership.user_id.in_(chunk), ~seats_count),
    )


def everyone(terms: dict[int, Terms], members: dict[int, list[Member]]) -> frozenset[int]:
    """The users of teams that give courses, and the users holding enrollments on record."""
    giving = [rows for team_id, rows in members.items() if terms[team_id].course_ids]
    team_users = {member.user_id for rows in giving for member in rows}
    recorded = db.session.scalars(select(AccessEnrollment.user_id).distinct())
    return frozenset(team_users) | frozenset(recorded)


def lost_through_membership() -> frozenset[int]:
    """Users holding access the dashboard gave for a course none of their teams gives now
    (they left the group or the team): a targeted sync ends it too."""
    gives = exists().where(
        Membership.user_id == AccessEnrollment.user_id,
        Assignment.group_id == Membership.group_id,
        team_courses.c.team_id == Assignment.team_id,
        team_courses.c.course_id == AccessEnrollment.course_id,
    )
    rows = db.session.scalars(
        select(AccessEnrollment.user_id).where(
            AccessEnrollment.created_by_dashboard.is_(True),
            AccessEnrollment.ended_at.is_(None),
            AccessEnrollment.kept_at.is_(None),
            ~gives,
        )
    )
    return frozenset(rows)


def chunks(ids: Iterable[int] | None):
    if ids is None:
        yield None
        return
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def aware(moment: datetime | None) -> datetime | None:
    """Aware UTC, whatever the driver handed back."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
