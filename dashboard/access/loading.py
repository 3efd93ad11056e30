"""The dashboard's side of access, read from the database in a few set queries.

A *scope* says whose access a run plans: everyone (a sync of all groups), a group's members
(a sync of one group), or named users (a webhook, an approval). Seats are counted over every
user of a team whatever the scope, so the same user gets the same answer in every scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import AccessEnrollment, Course, Membership, Team, User, team_courses
from ..plurals import count
from ..runs.context import UserRef
from .members import (
    aware,
    chunks,
    everyone,
    load_members,
    load_scope_members,
    lost_through_membership,
)
from .planner import AccessSnapshot, Held, Member, Terms


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
    """Teams, memberships, users and their records in a few set queries (three for named users,
    up to `CHUNK` of them); the courses are those the teams give and those on record, read
    along with them (no query of their own)."""
    courses: dict[int, CourseRef] = {}
    if scope.is_everyone:
        terms = load_terms(courses=courses)
        members = load_members(terms)
        user_ids = everyone(terms, members)
    else:  # the scope's own teams and memberships, and every user of those where seats count
        user_ids = scope_user_ids(scope)
        members = load_scope_members(user_ids)
        terms = load_terms(list(members), courses)
    users, records = load_users_and_records(user_ids, courses)
    return AccessView(scope, terms, members, users, courses, records)


def describe_users(user_ids: Iterable[int]) -> str:
    """ "ann@example.com" for one user, "3 users" for more."""
    ids = list(user_ids)
    if len(ids) == 1:
        email = db.session.scalar(select(User.email).where(User.id == ids[0]))
        return email or "a user no longer in the dashboard"
    return count(len(ids), "user")


def load_terms(
    team_ids: list[int] | None = None, courses: dict[int, CourseRef] | None = None
) -> dict[int, Terms]:
    """Every team's configuration (or these teams'), in one query; courses deleted in Thinkific
    give nothing. The courses given are added to `courses`."""
    given = and_(Course.id == team_courses.c.course_id, Course.deleted_in_thinkific_at.is_(None))
    query = (
        select(Team.id, Team.name, Team.access_ends_on, Team.seat_limit, *COURSE_COLUMNS)
        .outerjoin(team_courses, team_courses.c.team_id == Team.id)
        .outerjoin(Course, given)
    )
    if team_ids is not None:
        if not team_ids:
            return {}
        query = query.where(Team.id.in_(team_ids))
    teams: dict[int, tuple] = {}
    given_by: dict[int, set[int]] = defaultdict(set)
    for team_id, name, ends_on, limit, *course in db.session.execute(query):
        teams[team_id] = (name, ends_on, limit)
        if course[0] is not None:
            given_by[team_id].add(course[0])
            _note_course(courses, course)
    return {
        team_id: Terms(team_id, name, frozenset(given_by[team_id]), ends_on, limit)
        for team_id, (name, ends_on, limit) in teams.items()
    }


COURSE_COLUMNS = (Course.id, Course.thinkific_id, Course.name, Course.deleted_in_thinkific_at)


def _note_course(courses: dict[int, CourseRef] | None, row) -> None:
    """A course read along with another row (its `COURSE_COLUMNS`), added to `courses`."""
    if courses is not None and row[0] not in courses:
        courses[row[0]] = CourseRef(*row[:3], row[3] is not None)


def scope_user_ids(scope: Scope) -> frozenset[int]:
    """The users of a group's or a named scope."""
    if scope.user_ids is not None:
        return scope.user_ids
    in_group = select(Membership.user_id).where(Membership.group_id == scope.group_id)
    return frozenset(db.session.scalars(in_group)) | lost_through_membership()


def load_users_and_records(
    user_ids: Iterable[int], courses: dict[int, CourseRef] | None = None
) -> tuple[dict[int, UserRef], dict[tuple[int, int], RecordRef]]:
    """The users, and their enrollments on record, in one query (per CHUNK users); the
    courses of those enrollments are added to `courses`."""
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
        *COURSE_COLUMNS,
    )
    for chunk in chunks(sorted(user_ids)):
        query = (
            select(*columns)
            .outerjoin(e, e.user_id == User.id)
            .outerjoin(Course, Course.id == e.course_id)
            .where(User.id.in_(chunk))
        )
        for row in db.session.execute(query):
            users[row[0]] = UserRef(*row[:3])
            if row[3] is not None:
                record = RecordRef(*row[3:8], *map(aware, row[8:12]))
                records[(record.user_id, record.course_id)] = record
                _note_course(courses, row[12:])
    return users, records


def load_courses() -> dict[int, CourseRef]:
    """Every course the dashboard knows."""
    rows = db.session.execute(select(*COURSE_COLUMNS))
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
    for chunk in chunks(sorted(user_ids)):
        rows = db.session.execute(select(*columns).where(AccessEnrollment.user_id.in_(chunk)))
        for row in rows:
            record = RecordRef(*row[:5], *map(aware, row[5:]))
            records[(record.user_id, record.course_id)] = record
    return records


def records_per_course() -> dict[int, int]:
    """How many enrollments of each course the dashboard knows (to estimate read costs)."""
    rows = db.session.execute(
        select(AccessEnrollment.course_id, func.count()).group_by(AccessEnrollment.course_id)
    )
    return dict(rows.all())
