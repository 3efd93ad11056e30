"""Reading teams: the list page, and a team's groups, users and seats.

A team's users are the distinct members of the groups assigned to it; their number is stored
with the team (`dashboard/counts.py`), never counted per row.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from math import ceil
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, func, null, select, union_all
from sqlalchemy.orm import contains_eager, lazyload

from ..access.planner import Terms
from ..extensions import db
from ..groups.queries import TEAM_CHOICES
from ..listing import PER_PAGE, ListArgs, Page, Sort, capped_count, count_limit, paginate
from ..models import (
    Assignment,
    Course,
    Direction,
    Group,
    Membership,
    Team,
    User,
    name_key,
    team_courses,
    versions,
)
from ..models.users import full_name
from ..search import TEAMS, count_cap, finds
from ..users.search import user_matches

TEAM_SORTS = {
    "name": Sort("Name"),
    "groups": Sort("Groups", numeric=True, descending=True),
    "users": Sort("Users", numeric=True, descending=True),
    "seats": Sort("Seats", numeric=True),
}
TEAM_USER_SORTS = {"email": Sort("Email"), "name": Sort("Name")}


def team_user_ids(team_id) -> Select:
    """The ids of a team's users (members of its groups), possibly with repeats."""
    return (
        select(Membership.user_id)
        .join(Assignment, Assignment.group_id == Membership.group_id)
        .where(Assignment.team_id == team_id)
    )


def team_page(args: ListArgs) -> Page:
    query = select(Team).options(lazyload(Team.courses)).order_by(*_team_order(args))
    if args.q:
        query = query.where(finds(TEAMS, name_key(args.q)))
    return paginate(query, args.page)


def _team_order(args: ListArgs) -> list[ColumnElement]:
    key = {
        "name": Team.name_key,
        "groups": Team.groups_count,
        "users": Team.users_count,  # stored (dashboard/counts.py)
        "seats": Team.seat_limit,
    }[args.sort]
    first = key.desc() if args.desc else key.asc()
    if args.sort == "seats":
        first = first.nulls_last()
    return [first, Team.name_key, Team.id]


def users_counts(teams: list[Team]) -> dict[int, int]:
    """Distinct users per team, as stored with each team (the rows' `counts`)."""
    return {team.id: team.users_count for team in teams}


def seats_used(team: Team) -> int:
    return team.users_count


class LoadedTeam(NamedTuple):
    team: Team
    courses_known: bool  # whether the dashboard knows any course at all
    matching: int | None  # the users matching the search, counted up to `count_limit`
    data_version: int | None  # the groups' data version (models/versions.py)
    users_bound: int  # the highest user id: about how many users there are (`_probing_pays`)


def load_team(team_id: int, args: ListArgs | None = None) -> LoadedTeam | None:
    """A team with its courses, whether any course is known, (for a search of its users) how
    many match, and the groups' data version (the banner of plans waiting is kept by it), in
    one query, with the highest user id (an index's last entry); None when there is no such
    team."""
    known = select(Course.id).correlate(None).exists().label("courses_known")  # any course
    matching = null()
    if args is not None and args.q:
        matching = capped_count(_team_users(team_id, args.q), search_limit(args))
    statement = (
        select(Team, known, matching, versions.version_column(), _USERS_BOUND)
        .outerjoin(team_courses, team_courses.c.team_id == Team.id)
        .outerjoin(Course, Course.id == team_courses.c.course_id)
        .where(Team.id == team_id)
        .order_by(Course.name)
        .options(contains_eager(Team.courses))  # flat joins: see groups.queries.load_group_with
    )
    row = db.session.execute(statement).unique().first()
    return None if row is None else LoadedTeam(row[0], bool(row[1]), row[2], row[3], row[4] or 0)


_USERS_BOUND = select(func.max(User.id)).scalar_subquery()


def search_limit(args: ListArgs) -> int:
    """How far a search of a team's users is counted."""
    return count_limit(args.page, PER_PAGE, count_cap(args.q))


def _team_users(team_id: int, q: str) -> Select:
    query = select(User.id).where(User.id.in_(team_user_ids(team_id)))
    return query.where(user_matches(q)) if q else query


def team_terms(team: Team) -> Terms:
    """What the team gives, as the access planner reads it (courses deleted in Thinkific give
    nothing), from the team and its loaded courses."""
    given = frozenset(c.id for c in team.courses if c.deleted_in_thinkific_at is None)
    return Terms(team.id, team.name, given, team.access_ends_on, team.seat_limit)


class GroupLink(NamedTuple):
    """A group on a team's page: linked to it (with the link's direction) or offered for one."""

    id: int
    name: str
    users_count: int
    direction: Direction | None  # None: not linked, offered in the assign form


def team_groups(team_id: int) -> tuple[list[GroupLink], list[str]]:
    """The team's group links by group name, and the names of the first `TEAM_CHOICES` groups
    not yet linked (the assign form's choices), in one query."""
    rows = db.session.execute(_team_groups_statement(), {"team_id": team_id})
    links, names = [], []
    for group_id, name, users, direction, _key in rows:
        if direction is None:
            names.append(name)
        else:
            links.append(GroupLink(group_id, name, users, direction))
    return links, names


@cache
def _team_groups_statement() -> Select:
    """`team_groups`' statement, built once: the team is its one parameter."""
    team_id = bindparam("team_id")
    linked = (
        select(Group.id, Group.name, Group.users_count, Assignment.direction, Group.name_key)
        .join(Assignment, Assignment.group_id == Group.id)
        .where(Assignment.team_id == team_id)
    )
    assigned = select(Assignment.group_id).where(Assignment.team_id == team_id)
    offered = (
        select(Group.id, Group.name, Group.users_count, null(), Group.name_key)
        .where(Group.id.not_in(assigned))
        .order_by(Group.name_key)
        .limit(TEAM_CHOICES)
        .subquery()
    )
    both = union_all(linked, select(offered)).subquery()
    return select(both).order_by(both.c.name_key, both.c.id)


class TeamUser(NamedTuple):
    """A user as a team's list of users shows one."""

    id: int
    email: str
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


class GroupName(NamedTuple):
    id: int
    name: str


def team_user_page(loaded: LoadedTeam, args: ListArgs) -> tuple[Page, dict[int, list[GroupName]]]:
    """A page of the team's users and, for each, the groups through which they belong to it
    (by name), in one query: their number is stored with the team, or was counted with it
    for a search (`load_team`)."""
    team = loaded.team
    query = _team_users(team.id, args.q)
    if args.q:
        total = loaded.matching or 0
        exact = total < search_limit(args)
    else:
        total, exact = team.users_count, True
    keys = [User.email] if args.sort == "email" else [User.last_name, User.first_name]
    # ties by id the same way, as on Users: a descending page reads its index backward, unsorted
    order = [key.desc() if args.desc else key.asc() for key in (*keys, User.id)]
    shown = min(args.page, max(1, ceil(total / PER_PAGE)))
    if not args.q and _probing_pays(team.users_count, loaded.users_bound, shown * PER_PAGE):
        query = select(User.id).where(_in_team(team.id))
    ids = query.order_by(*order).limit(PER_PAGE).offset((shown - 1) * PER_PAGE).subquery()
    rows = db.session.execute(
        select(User.id, User.email, User.first_name, User.last_name, Group.id, Group.name)
        .join(ids, ids.c.id == User.id)
        .join(Membership, Membership.user_id == User.id)
        .join(Group, Group.id == Membership.group_id)
        .where(_of_team(team.id))
        .order_by(*order, Group.name_key, Group.id)
    )
    users: dict[int, TeamUser] = {}
    via: dict[int, list[GroupName]] = defaultdict(list)
    for user_id, email, first_name, last_name, group_id, name in rows:
        if user_id not in users:
            users[user_id] = TeamUser(user_id, email, first_name, last_name)
        via[user_id].append(GroupName(group_id, name))
    page = Page(list(users.values()), total, shown, PER_PAGE, exact, asked=args.page)
    return page, via


# A user checked for membership in a team costs about five of its users gathered and sorted
# (measured on both databases: ~12 µs against ~2.4 µs on PostgreSQL).
PROBE_COST = 5


def _probing_pays(team_users: int, users: int, rows: int) -> bool:
    """Whether a page of a large team's users is cheaper read by walking every user in the
    list's order (its index), checking each for membership, than by gathering and sorting the
    team's: the walk checks about rows * users / team_users of them, the gathering reads all
    `team_users` (a team of 20,000 of 100,000 users: 47 ms gathered, 1 ms walked)."""
    return team_users > 0 and rows * users * PROBE_COST < team_users * team_users


def _of_team(team_id: int) -> ColumnElement[bool]:
    """A membership is in one of the team's groups, checked for each of the page's users'
    memberships: as a join, both databases would gather the team's first."""
    linked = select(Assignment.id).where(
        Assignment.group_id == Membership.group_id, Assignment.team_id == team_id
    )
    return linked.offset(0).exists()


def _in_team(team_id: int) -> ColumnElement[bool]:
    """A user belongs to the team, checked for each user on its own: OFFSET 0 keeps PostgreSQL
    from turning the check into a join that gathers the whole team first."""
    theirs = (
        select(Membership.id)
        .join(Assignment, Assignment.group_id == Membership.group_id)
        .where(Membership.user_id == User.id, Assignment.team_id == team_id)
        .offset(0)
    )
    return theirs.exists()
