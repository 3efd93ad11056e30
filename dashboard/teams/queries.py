"""Reading teams: the list page, and a team's groups, users and seats.

A team's users are the distinct members of the groups assigned to it; their number is stored
with the team (`dashboard/counts.py`), never counted per row.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import contains_eager, lazyload

from ..extensions import db
from ..listing import ListArgs, Page, Sort, paginate
from ..models import Assignment, Group, Membership, Team, User, name_key
from ..search import TEAMS, count_cap, matches
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
        query = query.where(matches(TEAMS, name_key(args.q)))
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


def team_assignments(team: Team) -> list[Assignment]:
    """The team's group links, with their groups, by group name."""
    query = (
        select(Assignment)
        .join(Assignment.group)
        .options(contains_eager(Assignment.group))
        .where(Assignment.team_id == team.id)
        .order_by(Group.name_key)
    )
    return list(db.session.scalars(query))


def team_user_page(team: Team, args: ListArgs) -> Page:
    query = select(User).where(User.id.in_(team_user_ids(team.id)))
    if args.q:
        query = query.where(user_matches(args.q))
    keys = [User.email] if args.sort == "email" else [User.last_name, User.first_name]
    order = [key.desc() if args.desc else key.asc() for key in keys]
    known = None if args.q else team.users_count  # stored: no need to count them
    sorted_users, cap = query.order_by(*order, User.id), count_cap(args.q)
    return paginate(sorted_users, args.page, total=known, capped=bool(args.q), cap=cap)


def groups_by_user(team: Team, user_ids: list[int]) -> dict[int, list[Group]]:
    """For each of `user_ids`, the groups through which they belong to the team."""
    rows = db.session.execute(
        select(Membership.user_id, Group)
        .join(Group, Group.id == Membership.group_id)
        .join(Assignment, Assignment.group_id == Group.id)
        .where(Assignment.team_id == team.id, Membership.user_id.in_(user_ids))
        .order_by(Group.name_key)
    )
    groups: dict[int, list[Group]] = defaultdict(list)
    for user_id, group in rows:
        groups[user_id].append(group)
    return groups
