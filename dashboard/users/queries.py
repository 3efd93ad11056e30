"""Reading users: the list page, and a user's groups, teams and the courses those teams give.

The list stays fast at 100,000 users: search goes through an index (`search.py`), sorts through
indexed columns, and each user's number of groups is stored with them (`dashboard/counts.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, case, func, null, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..listing import (
    PER_PAGE,
    ListArgs,
    Page,
    Sort,
    count_limit,
)
from ..models import (
    AccessEnrollment,
    Account,
    Assignment,
    Course,
    Direction,
    Group,
    Membership,
    MemberSource,
    Team,
    User,
    team_courses,
    versions,
)
from ..page_ids import Key, counted_page, keyed_page, offset_ids, ordered, shown_page
from ..search import count_cap
from .search import user_finds

USER_SORTS = {
    "email": Sort("Email"),
    "name": Sort("Name"),
    "thinkific_id": Sort("Thinkific ID", numeric=True),
    "groups": Sort("Groups", numeric=True, descending=True),
}


def user_page(args: ListArgs) -> Page:
    """A page of users: without a search, counted and the page's ids read from the sort's
    index alone (`page_ids.offset_ids`); with one, searched once for a capped count and the
    page (`page_ids.keyed_page`)."""
    keys = sort_keys(args)
    if not args.q:
        total = users_total()
        shown = shown_page(args.page, total, PER_PAGE)
        ids = offset_ids(select(User.id), keys, shown, total)
        query = select(User).join(ids, ids.c.id == User.id).order_by(*ordered(keys))
        return Page(list(db.session.scalars(query)), total, shown, asked=args.page)
    limit = count_limit(args.page, PER_PAGE, count_cap(args.q))
    found = keyed_page(
        select(User.id).where(user_finds(args.q)), keys, args.page, limit, per_page=PER_PAGE
    )
    rows = db.session.execute(
        select(User, found.c.counted).join(found, found.c.id == User.id).order_by(found.c.n)
    ).all()
    return counted_page(rows, args.page, limit, PER_PAGE)


def users_total() -> int:
    """How many users there are, counted only when the users' version (models/versions.py:
    users added or removed) moved since this process last counted them, in one statement
    either way: a count of 100,000 users is ~8 ms on PostgreSQL, reading the version ~0.1 ms."""
    known = current_app.extensions.get(TOTAL_KEPT, (None, 0))  # (version, total)
    version, total = db.session.connection().execute(TOTAL, {"known": known[0]}).one()
    if total is None:  # the version known: not counted again
        return known[1]
    if version is not None:
        current_app.extensions[TOTAL_KEPT] = (version, total)
    return total


TOTAL_KEPT = "users_total"  # in app.extensions: the users' version and their count then
_USERS_VERSION = versions.version_of(versions.USERS)
TOTAL = select(
    _USERS_VERSION,
    case(
        (bindparam("known") == _USERS_VERSION, null()),
        else_=select(func.count()).select_from(User).scalar_subquery(),
    ),
)


def sort_keys(args: ListArgs) -> list[Key]:
    """The list's order, every key in the sort's direction and the id last: one index holds
    it, walked either way (migration 0015). Users without a Thinkific ID come last both ways."""
    columns = {
        "email": [User.email],
        "name": [User.last_name, User.first_name],
        "thinkific_id": [User.thinkific_id],
        "groups": [User.groups_count],  # stored (dashboard/counts.py), indexed with the id
    }[args.sort]
    last = args.sort == "thinkific_id"
    return [
        *(Key(column, args.desc, nulls_last=last) for column in columns),
        Key(User.id, args.desc),
    ]


def groups_counts(users: list[User]) -> dict[int, int]:
    """Groups per user, as stored with each user (the rows' `counts`)."""
    return {user.id: user.groups_count for user in users}


class GroupRef(NamedTuple):
    id: int
    name: str
    name_key: str


class TeamRef(NamedTuple):
    id: int
    name: str
    name_key: str
    access_ends_on: date | None


class CourseRef(NamedTuple):
    id: int
    name: str
    given: bool  # not deleted in Thinkific: the team gives it


@dataclass(frozen=True)
class MembershipRow:
    group: GroupRef
    source: MemberSource
    added_at: datetime
    added_by: str | None  # the email of the account that added them, if any


@dataclass
class TeamLink:
    team: TeamRef
    through: list[tuple[GroupRef, Direction]] = field(default_factory=list)


@dataclass
class UserPage:
    """Everything a user's page shows but their access and its activity, from one query."""

    user: User
    memberships: list[MembershipRow]
    links: list[TeamLink]
    courses: list[tuple[CourseRef, list[TeamRef]]]  # the courses their teams give, by name
    has_records: bool  # enrollments on record: Thinkific may hold access for them
    data_version: int | None  # the groups' data version, read along (models/versions.py)

    @property
    def may_have_access(self) -> bool:
        """Whether their access needs reading: a team gives a course, or one is on record."""
        return self.has_records or any(course.given for course, _ in self.courses)


def user_page_rows(user_id: int) -> UserPage | None:
    """The user, their memberships (with who added each), their teams (with the groups and
    directions that make them members) and the courses those teams give: one query, which
    reads the groups' data version too (the banner of plans waiting is kept by it)."""
    adder = aliased(Account)
    recorded = select(AccessEnrollment.id).where(AccessEnrollment.user_id == User.id).exists()
    rows = db.session.execute(
        select(
            User,
            recorded,
            Group.id,
            Group.name,
            Group.name_key,
            Membership.source,
            Membership.added_at,
            adder.email,
            Assignment.direction,
            Team.id,
            Team.name,
            Team.name_key,
            Team.access_ends_on,
            Course.id,
            Course.name,
            Course.deleted_in_thinkific_at.is_(None),
            versions.version_column(),
        )
        .outerjoin(Membership, Membership.user_id == User.id)
        .outerjoin(Group, Group.id == Membership.group_id)
        .outerjoin(adder, adder.id == Membership.added_by_id)
        .outerjoin(Assignment, Assignment.group_id == Group.id)
        .outerjoin(Team, Team.id == Assignment.team_id)
        .outerjoin(team_courses, team_courses.c.team_id == Team.id)
        .outerjoin(Course, Course.id == team_courses.c.course_id)
        .where(User.id == user_id)
    ).all()
    if not rows:
        return None
    first = rows[0]
    memberships, links, courses = _memberships(rows), _links(rows), _courses(rows)
    return UserPage(first[0], memberships, links, courses, bool(first[1]), first[16])


def _memberships(rows) -> list[MembershipRow]:
    found = {
        row[2]: MembershipRow(GroupRef(*row[2:5]), row[5], row[6], row[7])
        for row in rows
        if row[2] is not None
    }
    return sorted(found.values(), key=lambda m: (m.group.name_key, m.group.id))


def _links(rows) -> list[TeamLink]:
    links: dict[int, TeamLink] = {}
    for row in rows:
        if row[9] is None:
            continue
        link = links.setdefault(row[9], TeamLink(TeamRef(*row[9:13])))
        through = (GroupRef(*row[2:5]), row[8])
        if through not in link.through:
            link.through.append(through)
    for link in links.values():
        link.through.sort(key=lambda pair: (pair[0].name_key, pair[0].id))
    return sorted(links.values(), key=lambda link: (link.team.name_key, link.team.id))


def _courses(rows) -> list[tuple[CourseRef, list[TeamRef]]]:
    """The courses the user's teams give, each with the teams that give it (by team name),
    by course name."""
    teams_of: dict[CourseRef, dict[int, TeamRef]] = defaultdict(dict)
    for row in rows:
        if row[13] is not None:
            course = CourseRef(row[13], row[14], bool(row[15]))
            teams_of[course][row[9]] = TeamRef(*row[9:13])
    return sorted(
        (
            (course, sorted(teams.values(), key=lambda team: (team.name_key, team.id)))
            for course, teams in teams_of.items()
        ),
        key=lambda item: (item[0].name.casefold(), item[0].id),
    )
