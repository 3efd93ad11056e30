"""Read-only queries of the group screens: the Groups table, team choices, a group's members.

The Groups table reads the stored `teams_count`/`users_count` and never counts rows per group,
so a page costs the same few queries whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, case, func, null, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..listing import ListArgs, Page, Sort, capped_count, count_limit, page_at, paginate
from ..models import (
    Account,
    Assignment,
    Course,
    Group,
    Membership,
    Team,
    User,
    name_key,
    team_courses,
    versions,
)
from ..search import GROUPS, TEAMS, count_cap, matches
from ..users.search import user_matches
from .status import status_rank

GROUPS_PER_PAGE = 50
MEMBERS_PER_PAGE = 25
TEAM_CHOICES = 20

GROUP_SORTS = {
    "name": Sort("Name"),
    "token": Sort("Token"),
    "thinkific_id": Sort("Thinkific ID", numeric=True),
    "teams": Sort("Teams", numeric=True, descending=True),
    "users": Sort("Users", numeric=True, descending=True),
    "status": Sort("Status"),
}

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


def version_and_total(args: ListArgs, known: int | None) -> tuple[int | None, int | None]:
    """The groups' data version (models/versions.py; None: unknown) and how many groups `args`
    finds, in one statement (one snapshot), on the session's connection, past the ORM. The
    groups are counted only when the version is not `known` (the one the rows at hand were
    drawn for): a kept table is sent without counting anything (total None)."""
    version, total = db.session.connection().execute(_statement(args.q), {"known": known}).one()
    return version, total


def group_total(args: ListArgs) -> int:
    """How many groups `args` finds, alone: for rows that are drawn after all (no longer kept)."""
    return version_and_total(args, known=None)[1]


_STATEMENTS: dict[tuple[str, str], Select] = {}  # by dialect and search: the last few built
STATEMENTS_KEPT = 64


def _statement(q: str) -> Select:
    """The version, and a count only if it is not `:known`; built once per search text (every
    unsearched page asks the same): building it costs more than running it. Both databases
    run a subquery in a CASE branch only when that branch is taken."""
    key = (db.engine.dialect.name, q)
    statement = _STATEMENTS.get(key)
    if statement is None:
        where = [matches(GROUPS, name_key(q))] if q else []
        counted = select(func.count()).select_from(select(Group.id).where(*where).subquery())
        version = versions.version_column()
        unknown = case(
            (version.element == bindparam("known"), null()), else_=counted.scalar_subquery()
        )
        statement = select(version, unknown)
        if len(_STATEMENTS) >= STATEMENTS_KEPT:
            _STATEMENTS.clear()
        _STATEMENTS[key] = statement
    return statement


def group_page(args: ListArgs, total: int) -> Page:
    """The page of groups `args` asks for (of `total`), by the stored counts (no row is
    counted per group).

    A Core select of the listed columns: its items are plain rows (attribute access, no ORM
    identity map), and only the ORDER BY asked for is built."""
    statement = (
        select(Group.id, *LIST_COLUMNS)
        .where(*_where(args))
        .order_by(*_group_order(args.sort, args.desc))
    )
    return paginate(statement, args.page, total=total, per_page=GROUPS_PER_PAGE)


def _where(args: ListArgs) -> list[ColumnElement[bool]]:
    return [matches(GROUPS, name_key(args.q))] if args.q else []


ORDER_COLUMNS = {
    "name": lambda: Group.name_key,
    "token": lambda: Group.token,
    "thinkific_id": lambda: Group.thinkific_id,
    "teams": lambda: Group.teams_count,
    "users": lambda: Group.users_count,
    "status": status_rank,  # a CASE expression: built only when sorting by status
}


def _group_order(sort: str, descending: bool) -> list[ColumnElement[Any]]:
    column = ORDER_COLUMNS[sort]()
    key = column.desc() if descending else column.asc()
    if sort == "thinkific_id":
        key = key.nulls_last()
    if sort == "name":  # name_key is unique: already a total order
        return [key]
    return [key, Group.id.desc() if descending else Group.id.asc()]


# --- one group --------------------------------------------------------------------------------


def load_group(group_id: int) -> Group | None:
    """A group with its team links, their teams and the teams' courses (each link shows them)
    loaded, for the detail page, in one query."""
    row = load_group_with(group_id)
    return None if row is None else row[0]


def load_group_with(group_id: int, *columns: ColumnElement[Any]) -> Row | None:
    """The group as `load_group` loads it, and `columns` read along in the same query (the
    page's other facts about it: no statement of their own); None when there is no such group."""
    statement = (
        select(Group, *columns)
        .outerjoin(Assignment, Assignment.group_id == Group.id)
        .outerjoin(Team, Team.id == Assignment.team_id)
        .outerjoin(team_courses, team_courses.c.team_id == Team.id)
        .outerjoin(Course, Course.id == team_courses.c.course_id)
        .where(Group.id == group_id)
        .order_by(Assignment.id, Course.name)
        .options(_links())
    )
    return db.session.execute(statement).unique().first()


def _links():
    """The links, their teams and courses, from the query's own flat outer joins: joinedload
    nests `(team_courses JOIN courses)`, which SQLite reads by first copying every team's
    courses (2 ms at 2,000 teams)."""
    teams = contains_eager(Group.assignments).contains_eager(Assignment.team)
    return teams.contains_eager(Team.courses)


def team_choices(group_id: int, text: str = "", limit: int = TEAM_CHOICES) -> list[str]:
    """Names of teams not yet assigned to the group, alphabetically, matching `text`."""
    assigned = select(Assignment.team_id).where(Assignment.group_id == group_id)
    statement = select(Team.name).where(Team.id.not_in(assigned))
    if text:
        statement = statement.where(matches(TEAMS, name_key(text)))
    return list(db.session.scalars(statement.order_by(Team.name_key).limit(limit)))


def group_choices(team_id: int, text: str = "", limit: int = TEAM_CHOICES) -> list[str]:
    """Names of groups not yet assigned to the team, alphabetically, matching `text`."""
    assigned = select(Assignment.group_id).where(Assignment.team_id == team_id)
    statement = select(Group.name).where(Group.id.not_in(assigned))
    if text:
        statement = statement.where(matches(GROUPS, name_key(text)))
    return list(db.session.scalars(statement.order_by(Group.name_key).limit(limit)))


def all_team_choices(text: str = "", limit: int = TEAM_CHOICES) -> list[str]:
    """Names of teams matching `text`, alphabetically (for an action on several groups)."""
    statement = select(Team.name)
    if text:
        statement = statement.where(matches(TEAMS, name_key(text)))
    return list(db.session.scalars(statement.order_by(Team.name_key).limit(limit)))


# --- members ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    user: User
    added_by: str | None


def member_page(group: Group, args: ListArgs, matching: int | None = None) -> Page:
    """A page of the group's members, newest first (by the index of that order), with who added
    each. Their number is stored with the group; a search's is counted only so far
    (`member_search_limit`: "1,000+"), read along with the group (`matching_members`) or here."""
    statement = _members(group.id, args.q)
    if args.q:
        limit = member_search_limit(args)
        if matching is None:
            matching = db.session.scalar(select(_matching(group.id, args.q, limit)))
        total, exact = matching or 0, (matching or 0) < limit
    else:
        total, exact = group.users_count, True
    statement = statement.order_by(Membership.added_at.desc(), Membership.id.desc())
    page = page_at(statement, args.page, total, exact=exact, per_page=MEMBERS_PER_PAGE)
    return replace(page, items=[MemberRow(*row) for row in page.items])


def member_search_limit(args: ListArgs) -> int:
    """How far a search of a group's members is counted: a search most of a large group's
    members match stops counting at COUNT_CAP instead of reading them all."""
    return count_limit(args.page, MEMBERS_PER_PAGE, count_cap(args.q))


def matching_members(group_id: int, args: ListArgs) -> ColumnElement[Any]:
    """How many of the group's members a search finds, counted up to `member_search_limit`, as
    a column to read along with the group (`load_group_with`); NULL without a search (their
    number is stored)."""
    if not args.q:
        return null()
    return _matching(group_id, args.q, member_search_limit(args))


def _matching(group_id: int, q: str, limit: int) -> ColumnElement[Any]:
    return capped_count(_members(group_id, q).with_only_columns(Membership.id), limit)


def _members(group_id: int, q: str) -> Select:
    statement = (
        select(Membership, User, Account.email)
        .join(User, User.id == Membership.user_id)
        .outerjoin(Account, Account.id == Membership.added_by_id)
        .where(Membership.group_id == group_id)
    )
    return statement.where(user_matches(q)) if q else statement
