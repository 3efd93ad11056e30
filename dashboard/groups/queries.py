"""Read-only queries of the group screens: the Groups table, team choices, a group's members.

The Groups table reads the stored `teams_count`/`users_count` and never counts rows per group,
so a page costs the same few queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import load_only, selectinload

from ..extensions import db
from ..models import Account, Assignment, Group, Membership, Team, User, name_key
from . import paging
from .paging import Page
from .status import status_rank

GROUPS_PER_PAGE = 50
MEMBERS_PER_PAGE = 25
TEAM_CHOICES = 20


@dataclass(frozen=True)
class Sort:
    label: str
    default_dir: str
    numeric: bool = False


SORTS = {
    "name": Sort("Name", "asc"),
    "token": Sort("Token", "asc"),
    "thinkific_id": Sort("Thinkific ID", "asc", numeric=True),
    "teams": Sort("Teams", "desc", numeric=True),
    "users": Sort("Users", "desc", numeric=True),
    "status": Sort("Status", "asc"),
}
DEFAULT_SORT = "name"
DIRECTIONS = ("asc", "desc")

# What a row of the Groups table reads; descriptions and timestamps stay in the database.
LIST_COLUMNS = (
    Group.name,
    Group.token,
    Group.thinkific_id,
    Group.teams_count,
    Group.users_count,
    Group.sync_mode,
    Group.sync_state,
    Group.pending_changes,
    Group.open_manual_actions,
    Group.last_synced_at,
    Group.last_error,
    Group.deleted_in_thinkific_at,
)


@dataclass(frozen=True)
class GroupQuery:
    """What the Groups table shows: search, sort and page, as parsed from the query string."""

    q: str = ""
    sort: str = DEFAULT_SORT
    dir: str = "asc"
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def args(self, **changes: Any) -> dict[str, Any]:
        """Query-string arguments for `url_for`, leaving out the defaults."""
        query = replace(self, **changes)
        args: dict[str, Any] = {"q": query.q} if query.q else {}
        if query.sort != DEFAULT_SORT or query.dir != SORTS[DEFAULT_SORT].default_dir:
            args.update(sort=query.sort, dir=query.dir)
        if query.page > 1:
            args["page"] = query.page
        return args

    def sorted_by(self, key: str) -> dict[str, Any]:
        """Arguments for a column header: sort by `key`, or flip the direction if it already is."""
        if key == self.sort:
            direction = "desc" if self.dir == "asc" else "asc"
        else:
            direction = SORTS[key].default_dir
        return self.args(sort=key, dir=direction, page=1)


def parse_group_query(args: Mapping[str, str]) -> GroupQuery:
    notices: list[str] = []
    q = paging.parse_search(args.get("q"), notices)
    sort = args.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        notices.append(f"There is no column “{paging.echo(sort)}” to sort by; sorted by name.")
        sort = DEFAULT_SORT
    direction = args.get("dir") or SORTS[sort].default_dir
    if direction not in DIRECTIONS:
        notices.append(f"“{paging.echo(direction)}” is not a sort order; use asc or desc.")
        direction = SORTS[sort].default_dir
    page = paging.parse_page(args.get("page"), notices)
    return GroupQuery(q, sort, direction, page, tuple(notices))


def group_page(query: GroupQuery) -> tuple[GroupQuery, Page[Group]]:
    """The page of groups `query` asks for (clamped to the last page), and the query shown."""
    where = _group_search(query.q)
    total = db.session.scalar(select(func.count()).select_from(Group).where(*where)) or 0
    notices = list(query.notices)
    number = paging.clamp_page(query.page, total, GROUPS_PER_PAGE, notices)
    statement = (
        select(Group)
        .options(load_only(*LIST_COLUMNS))
        .where(*where)
        .order_by(*_group_order(query.sort, query.dir))
        .limit(GROUPS_PER_PAGE)
        .offset(paging.offset(number, GROUPS_PER_PAGE))
    )
    groups = db.session.scalars(statement).all()
    shown = replace(query, page=number, notices=tuple(notices))
    return shown, Page(groups, total, number, GROUPS_PER_PAGE)


def _group_search(q: str) -> list[ColumnElement[bool]]:
    if not q:
        return []
    return [Group.name_key.like(paging.like_pattern(name_key(q)), escape="\\")]


def _group_order(sort: str, direction: str) -> list[ColumnElement[Any]]:
    column = {
        "name": Group.name_key,
        "token": Group.token,
        "thinkific_id": Group.thinkific_id,
        "teams": Group.teams_count,
        "users": Group.users_count,
        "status": status_rank(),
    }[sort]
    descending = direction == "desc"
    key = column.desc() if descending else column.asc()
    if sort == "thinkific_id":
        key = key.nulls_last()
    if sort == "name":  # name_key is unique: already a total order
        return [key]
    return [key, Group.id.desc() if descending else Group.id.asc()]


# --- one group --------------------------------------------------------------------------------


def load_group(group_id: int) -> Group | None:
    """A group with its team links (and their teams) loaded, for the detail page."""
    statement = (
        select(Group)
        .where(Group.id == group_id)
        .options(selectinload(Group.assignments).selectinload(Assignment.team))
    )
    return db.session.scalar(statement)


def team_choices(group_id: int, text: str = "", limit: int = TEAM_CHOICES) -> list[str]:
    """Names of teams not yet assigned to the group, alphabetically, matching `text`."""
    assigned = select(Assignment.team_id).where(Assignment.group_id == group_id)
    statement = select(Team.name).where(Team.id.not_in(assigned))
    if text:
        statement = statement.where(Team.name_key.like(paging.like_pattern(name_key(text)), "\\"))
    return list(db.session.scalars(statement.order_by(Team.name_key).limit(limit)))


def find_team(name: str) -> Team | None:
    return db.session.scalar(select(Team).filter_by(name_key=name_key(name)))


# --- members ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberQuery:
    q: str = ""
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def args(self, **changes: Any) -> dict[str, Any]:
        query = replace(self, **changes)
        args: dict[str, Any] = {"q": query.q} if query.q else {}
        if query.page > 1:
            args["page"] = query.page
        return args


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    user: User
    added_by: str | None


def parse_member_query(args: Mapping[str, str]) -> MemberQuery:
    notices: list[str] = []
    q = paging.parse_search(args.get("q"), notices)
    return MemberQuery(q, paging.parse_page(args.get("page"), notices), tuple(notices))


def member_page(group: Group, query: MemberQuery) -> tuple[MemberQuery, Page[MemberRow]]:
    """A page of the group's members, newest first, with who added each."""
    statement = _member_rows(group.id, query.q)
    total = group.users_count if not query.q else _count(statement)
    notices = list(query.notices)
    number = paging.clamp_page(query.page, total, MEMBERS_PER_PAGE, notices)
    statement = statement.order_by(Membership.added_at.desc(), Membership.id.desc())
    statement = statement.limit(MEMBERS_PER_PAGE).offset(paging.offset(number, MEMBERS_PER_PAGE))
    rows = [MemberRow(*row) for row in db.session.execute(statement)]
    shown = replace(query, page=number, notices=tuple(notices))
    return shown, Page(rows, total, number, MEMBERS_PER_PAGE)


def _member_rows(group_id: int, q: str) -> Select:
    statement = (
        select(Membership, User, Account.email)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Account, Account.id == Membership.added_by_id)
        .where(Membership.group_id == group_id)
    )
    if q:
        pattern = paging.like_pattern(q.casefold())
        full_name = func.lower(User.first_name + " " + User.last_name)
        statement = statement.where(
            or_(User.email.like(pattern, "\\"), full_name.like(pattern, "\\"))
        )
    return statement


def _count(statement: Select) -> int:
    counted = select(func.count()).select_from(
        statement.with_only_columns(Membership.id).subquery()
    )
    return db.session.scalar(counted) or 0
