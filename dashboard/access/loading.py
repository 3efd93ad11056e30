"""The dashboard's side of access, read from the database in a few set queries.

A *scope* says whose access a run plans: everyone (a sync of all groups), a group's members
(a sync of one group), or named users (a webhook, an approval). Seats are counted over every
user of a team whatever the scope, so the same user gets the same answer in every scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import and_, exists, func, select

from ..extensions import db
from ..models import AccessEnrollment, Assignment, Course, Membership, Team, User, team_courses
from ..plurals import count
from ..runs.context import UserRef
from .planner import AccessSnapshot, Held, Member, Terms

CHUNK = 500  # ids per IN (...) query


@dataclass(frozen=True)
class Scope:
    """Whose access to plan: everyone, a group's members, or the users named."""

    group_id: int | None = None
    user_ids: frozenset[int] | None = None
    label: str = "everyone"

    @classmethod
    def everyone(cls) -> Scope:
        return cls()

    @classmethod
    def group(cls, group) -> Scope:
        return cls(group_id=group.id, label=f"the members of {group.name}")

    @classmethod
    def users(cls, user_ids: Iterable[int], label: str = "") -> Scope:
        ids = frozenset(user_ids)
        return cls(user_ids=ids, label=label or count(len(ids), "user"))

    @property
    def is_everyone(self) -> bool:
        return self.group_id is None and self.user_ids is None


@dataclass(frozen=True)
class CourseRef:
    id: int
    thinkific_id: int
    name: str
    deleted: bool


@dataclass(frozen=True)
class RecordRef:
    """An `AccessEnrollment` row as plain data."""

    id: int
    user_id: int
    course_id: int
    thinkific_id: int | None
    ours: bool
    expires_at: datetime | None
    ended_at: datetime | None
    kept_at: datetime | None
    created_at: datetime


@dataclass
class AccessView:
    scope: Scope
    terms: dict[int, Terms]
    members: dict[int, list[Member]]
    users: dict[int, UserRef]  # the users in scope
    courses: dict[int, CourseRef]
    records: dict[tuple[int, int], RecordRef] = field(default_factory=dict)

    @property
    def user_ids(self) -> frozenset[int]:
        return frozenset(self.users)

    def courses_to_read(self) -> list[CourseRef]:
        """Courses whose enrollments matter: given by a team, or holding one of our records."""
        given = {course for terms in self.terms.values() for course in terms.course_ids}
        recorded = {course for _, course in self.records}
        wanted = [self.courses[c] for c in sorted(given | recorded) if c in self.courses]
        return [course for course in wanted if not course.deleted]

    def snapshot(self, held: dict[tuple[int, int], Held]) -> AccessSnapshot:
        return AccessSnapshot(
            teams=self.terms,
            members=self.members,
            course_names={c.id: c.name for c in self.courses.values()},
            held=held,
            scope=self.user_ids,
        )


def load_view(scope: Scope) -> AccessView:
    if scope.is_everyone:
        terms = load_terms()
        members = load_members(terms)
        user_ids = everyone(terms, members)
    else:  # the scope's own teams and memberships, and every user of those where seats count
        user_ids = scope_user_ids(scope)
        members = load_members(None, user_ids)
        terms = load_terms(list(members))
        limited = [t for t, rows in members.items() if rows and _seats_count(terms[t])]
        members |= load_members(limited)
    users, records = load_users_and_records(user_ids)
    return AccessView(scope, terms, members, users, load_courses(), records)


def _seats_count(terms: Terms) -> bool:
    return bool(terms.course_ids) and terms.seat_limit is not None


def describe_users(user_ids: Iterable[int]) -> str:
    """ "ann@example.com" for one user, "3 users" for more."""
    ids = list(user_ids)
    if len(ids) == 1:
        email = db.session.scalar(select(User.email).where(User.id == ids[0]))
        return email or "a user no longer in the dashboard"
    return count(len(ids), "user")


def load_terms(team_ids: list[int] | None = None) -> dict[int, Terms]:
    """Every team's configuration (or these teams'), in one query; courses deleted in Thinkific
    give nothing."""
    given = and_(Course.id == team_courses.c.course_id, Course.deleted_in_thinkific_at.is_(None))
    query = (
        select(Team.id, Team.name, Team.access_ends_on, Team.seat_limit, Course.id)
        .outerjoin(team_courses, team_courses.c.team_id == Team.id)
        .outerjoin(Course, given)
    )
    if team_ids is not None:
        if not team_ids:
            return {}
        query = query.where(Team.id.in_(team_ids))
    teams: dict[int, tuple] = {}
    courses: dict[int, set[int]] = defaultdict(set)
    for team_id, name, ends_on, limit, course_id in db.session.execute(query):
        teams[team_id] = (name, ends_on, limit)
        if course_id is not None:
            courses[team_id].add(course_id)
    return {
        team_id: Terms(team_id, name, frozenset(courses[team_id]), ends_on, limit)
        for team_id, (name, ends_on, limit) in teams.items()
    }


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
    for chunk in _chunks(user_ids):
        rows = query if chunk is None else query.where(Membership.user_id.in_(chunk))
        for team_id, user_id, joined_at in db.session.execute(rows):
            members[team_id].append(Member(user_id, _aware(joined_at)))
    return dict(members)


def scope_user_ids(scope: Scope) -> frozenset[int]:
    """The users of a group's or a named scope."""
    if scope.user_ids is not None:
        return scope.user_ids
    in_group = select(Membership.user_id).where(Membership.group_id == scope.group_id)
    return frozenset(db.session.scalars(in_group)) | lost_through_membership()


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


def load_users_and_records(
    user_ids: Iterable[int],
) -> tuple[dict[int, UserRef], dict[tuple[int, int], RecordRef]]:
    """The users, and their enrollments on record, in one query (per CHUNK users)."""
    users, records = {}, {}
    e = AccessEnrollment
    columns = (
        User.id,
        User.email,
        User.thinkific_id,
        e.id,
        e.user_id,
        e.course_id,
        e.thinkific_id,
        e.created_by_dashboard,
        e.expires_at,
        e.ended_at,
        e.kept_at,
        e.created_at,
    )
    for chunk in _chunks(sorted(user_ids)):
        query = select(*columns).outerjoin(e, e.user_id == User.id).where(User.id.in_(chunk))
        for row in db.session.execute(query):
            users[row[0]] = UserRef(*row[:3])
            if row[3] is not None:
                record = RecordRef(*row[3:8], *map(_aware, row[8:]))
                records[(record.user_id, record.course_id)] = record
    return users, records


def load_courses() -> dict[int, CourseRef]:
    rows = db.session.execute(
        select(Course.id, Course.thinkific_id, Course.name, Course.deleted_in_thinkific_at)
    )
    return {row[0]: CourseRef(*row[:3], row[3] is not None) for row in rows}


def load_records(user_ids: Iterable[int]) -> dict[tuple[int, int], RecordRef]:
    records = {}
    e = AccessEnrollment
    columns = (
        e.id,
        e.user_id,
        e.course_id,
        e.thinkific_id,
        e.created_by_dashboard,
        e.expires_at,
        e.ended_at,
        e.kept_at,
        e.created_at,
    )
    for chunk in _chunks(sorted(user_ids)):
        rows = db.session.execute(select(*columns).where(AccessEnrollment.user_id.in_(chunk)))
        for row in rows:
            record = RecordRef(*row[:5], *map(_aware, row[5:]))
            records[(record.user_id, record.course_id)] = record
    return records


def records_per_course() -> dict[int, int]:
    """How many enrollments of each course the dashboard knows (to estimate read costs)."""
    rows = db.session.execute(
        select(AccessEnrollment.course_id, func.count()).group_by(AccessEnrollment.course_id)
    )
    return dict(rows.all())


def _chunks(ids: Iterable[int] | None):
    if ids is None:
        yield None
        return
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _aware(moment: datetime | None) -> datetime | None:
    """Aware UTC, whatever the driver handed back."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
