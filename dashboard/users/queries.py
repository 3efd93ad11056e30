"""Reading users: the list page, and a user's groups, teams and the courses those teams give.

The list stays fast at 100,000 users: search goes through an index (`search.py`), sorts through
indexed columns, and each user's number of groups is stored with them (`dashboard/counts.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..listing import ListArgs, Page, Sort, paginate
from ..models import Account, Assignment, Course, Direction, Group, Membership, Team, User
from ..search import count_cap
from .search import user_matches

USER_SORTS = {
    "email": Sort("Email"),
    "name": Sort("Name"),
    "thinkific_id": Sort("Thinkific ID", numeric=True),
    "groups": Sort("Groups", numeric=True, descending=True),
}


def user_page(args: ListArgs) -> Page:
    users = select(User)
    if args.q:
        users = users.where(user_matches(args.q))
    sorted_users = sort_users(users, args)
    cap = count_cap(args.q)
    return paginate(sorted_users, args.page, counted=users, capped=bool(args.q), cap=cap)


def sort_users(query: Select, args: ListArgs) -> Select:
    keys = {
        "email": [User.email],
        "name": [User.last_name, User.first_name],
        "thinkific_id": [User.thinkific_id],
        "groups": [User.groups_count],  # stored (dashboard/counts.py), indexed with the id
    }[args.sort]
    order = [key.desc() if args.desc else key.asc() for key in keys]
    if args.sort == "thinkific_id":
        order = [key.nulls_last() for key in order]
    return query.order_by(*order, User.id)


def groups_counts(users: list[User]) -> dict[int, int]:
    """Groups per user, as stored with each user (the rows' `counts`)."""
    return {user.id: user.groups_count for user in users}


@dataclass
class MembershipRow:
    group: Group
    membership: Membership
    added_by: str | None  # the email of the account that added them, if any


def user_memberships(user: User) -> list[MembershipRow]:
    adder = aliased(Account)
    rows = db.session.execute(
        select(Group, Membership, adder.email)
        .join(Membership, Membership.group_id == Group.id)
        .outerjoin(adder, adder.id == Membership.added_by_id)
        .where(Membership.user_id == user.id)
        .order_by(Group.name_key)
    )
    return [MembershipRow(group, membership, email) for group, membership, email in rows]


@dataclass
class TeamLink:
    team: Team
    through: list[tuple[Group, Direction]] = field(default_factory=list)


def user_teams(user: User) -> list[TeamLink]:
    """The user's teams, each with the groups (and link directions) that make them a member."""
    rows = db.session.execute(
        select(Team, Group, Assignment.direction)
        .join(Assignment, Assignment.team_id == Team.id)
        .join(Group, Group.id == Assignment.group_id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id)
        .order_by(Team.name_key, Group.name_key)
    )
    links: dict[int, TeamLink] = {}
    for team, group, direction in rows:
        links.setdefault(team.id, TeamLink(team)).through.append((group, direction))
    return list(links.values())


def courses_given(links: list[TeamLink]) -> list[tuple[Course, list[Team]]]:
    """The courses the user's teams give, each with the teams that give it, by course name."""
    teams_of: dict[Course, list[Team]] = defaultdict(list)
    for link in links:
        for course in link.team.courses:
            teams_of[course].append(link.team)
    return sorted(teams_of.items(), key=lambda item: (item[0].name.casefold(), item[0].id))
