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

from sqlalchemy import and_, exists, func, literal, select, union_all

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


def load_scope_members(user_ids: Iterable[int]) -> dict[int, list[Member]]:
    """The teams of `user_ids`, each with those of its users, and with all of them where seats
    count (a seat limit and a course given): in one query per `CHUNK` users, a team read in
    full once."""
    members: dict[int, list[Member]] = defaultdict(list)
    in_full: set[int] = set()
    for chunk in _chunks(sorted(user_ids)):
        rows = db.session.execute(_scope_members(chunk, in_full)).all()
        in_full.update(team_id for team_id, _, _, whole in rows if whole)
        for team_id, user_id, joined_at, _ in rows:
            members[team_id].append(Member(user_id, _aware(joined_at)))
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
    for chunk in _chunks(sorted(user_ids)):
        query = (
            select(*columns)
            .outerjoin(e, e.user_id == User.id)
            .outerjoin(Course, Course.id == e.course_id)
            .where(User.id.in_(chunk))
        )
        for row in db.session.execute(query):
            users[row[0]] = UserRef(*row[:3])
            if row[3] is not None:
                record = RecordRef(*row[3:8], *map(_aware, row[8:12]))
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
