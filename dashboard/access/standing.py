"""A team's page: each shown user's seat and access in the team, and the first users left
without a seat, in one statement for just the page shown.

Seats go by the planner's rule (`seats.py`: the order users joined, ties by user id) in each
team where they decide what the page shows — the team itself, and another team of a shown user
only where it gives one of the team's courses for longer (`_counted`) — and only where users
(`users_count`, stored) outnumber seats. Only those teams' first users are numbered
(`seats.head`, read by index however large the team): a shown user not among them holds no
seat. The planner then decides the page's users' access to the team's courses from them
(`status.report_of`), as a sync would: the same words, read from a few hundred rows instead of
every user of every team the page's users are in.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    CTE,
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union,
    union_all,
)

from ..database import Among
from ..extensions import db
from ..models import (
    AccessEnrollment,
    Assignment,
    Course,
    Membership,
    Team,
    User,
    team_courses,
    utcnow,
)
from ..runs.context import UserRef
from . import seats
from .loading import (
    AccessView,
    CourseRef,
    RecordRef,
    Scope,
    load_terms,
    load_users_and_records,
)
from .members import aware
from .planner import Member, Seats, Terms, seat_order
from .status import AccessReport, TeamSeat, report_of, seat_of_every_user


class Person(NamedTuple):
    """A user as a link shows one."""

    id: int
    email: str


class TeamSeats(NamedTuple):
    standing: dict[int, TeamSeat]  # user id → their seat and access in the team
    left_out: list[tuple[Person, datetime]]  # the first `seats.LEFT_OUT_SHOWN` without a seat


def team_seats(team: Team, terms: Terms, user_ids: list[int], left_out: bool) -> TeamSeats:
    """The standing of the page's users and (with `left_out`) who is left without a seat, in
    one statement at most; none when the team gives no course or its access ended."""
    every = seat_of_every_user(terms, utcnow().date())
    if every is not None or not user_ids:
        shown = seats.left_out(team, team.users_count) if left_out else []
        people = [(Person(user.id, user.email), joined_at) for user, joined_at in shown]
        return TeamSeats(dict.fromkeys(user_ids, every), people)
    over = left_out and team.seat_limit is not None and team.users_count > team.seat_limit
    params = {
        "team_id": team.id,
        "user_ids": user_ids,
        "course_ids": sorted(terms.course_ids),
        "seat_limit": team.seat_limit,
        "ends_on": terms.ends_on,
    }
    statement = _statement(over, others=terms.ends_on is not None)
    read = _Read(db.session.connection().execute(statement, params).all())
    report = report_of(read.view(user_ids), read.seats())
    standing = {user_id: report.team_seat(team, user_id) for user_id in user_ids}
    return TeamSeats(standing, read.left_out)


def user_report(user_id: int) -> AccessReport:
    """The access of one user, for their page, as the planner decides it: their teams, with
    whether they hold a seat in each team where users outnumber seats, read in SQL from the
    team's first users (`_user_teams`, `seats.head`), so that the page loads a few rows however
    large those teams are (counting the users ahead of them took 20 ms in a team of 20,000)."""
    rows = db.session.execute(_user_teams(), {"user_id": user_id}).all()
    courses: dict[int, CourseRef] = {}
    terms = load_terms([team_id for team_id, _, _ in rows], courses)
    users, records = load_users_and_records([user_id], courses)
    members, seats = {}, {}
    for team_id, joined_at, seat in rows:
        member = Member(user_id, aware(joined_at))
        members[team_id] = [member]
        holds = seat is None or seat <= terms[team_id].seat_limit
        seats[team_id] = Seats((member,), ()) if holds else Seats((), (member,))
    view = AccessView(Scope.users([user_id]), terms, members, users, courses, records)
    return report_of(view, seats)


SEAT_ROW = 2  # `shown` of a row that only numbers a page's user's seat in a counted team

# The statement's parameters: the team, the page's users, the courses the team gives, its seats
# and the day its access ends.
TEAM_ID, SEAT_LIMIT, ENDS_ON = bindparam("team_id"), bindparam("seat_limit"), bindparam("ends_on")


@cache
def _statement(over: bool, others: bool) -> Select:
    """The page's users in each of their teams (with their seat numbers where seats are
    counted, `_counted`), the team's first users without a seat when `over`, each with its
    team's terms, the team's courses it gives too, and the user's record of each. Built once
    for each shape."""
    counted = _counted(others)
    first = seats.head(counted)
    shown = _shown(counted).subquery("shown")
    parts = [_with_user(shown, Among(User.id, "user_ids")), _seat_rows(first)]
    if over:
        parts.append(_with_user(_left_out(first).subquery(), true()))
    rows = union_all(*parts).subquery("rows")
    ours = and_(team_courses.c.team_id == Team.id, Among(team_courses.c.course_id, "course_ids"))
    given = and_(Course.id == team_courses.c.course_id, Course.deleted_in_thinkific_at.is_(None))
    record = and_(
        AccessEnrollment.user_id == rows.c.user_id,
        Among(AccessEnrollment.user_id, "user_ids"),
        AccessEnrollment.course_id == Course.id,
    )
    return (
        select(*rows.c, Team.name, Team.access_ends_on, Team.seat_limit)
        .add_columns(Course.id, Course.thinkific_id, Course.name, *RECORD_COLUMNS)
        .join(Team, Team.id == rows.c.team_id)
        .outerjoin(team_courses, and_(ours, rows.c.shown == 1))
        .outerjoin(Course, given)
        .outerjoin(AccessEnrollment, record)
    )


@cache
def _user_teams() -> Select:
    """The user's teams, when they joined each, and in those where users outnumber seats their
    seat number (`seats.head`: past the team's first users, `PAST_HEAD`). Built once."""
    mine = _members().where(Membership.user_id == bindparam("user_id")).subquery("mine")
    outnumbered = and_(Team.seat_limit.is_not(None), Team.users_count > Team.seat_limit)
    counted = (
        select(Team.id, Team.seat_limit)
        .where(Team.id.in_(select(mine.c.team_id)), outnumbered)
        .cte("counted")
    )
    first = seats.head(counted)
    ours = and_(first.c.team_id == mine.c.team_id, first.c.user_id == mine.c.user_id)
    seat = case((mine.c.team_id.in_(select(counted.c.id)), seats.seat_or_past(first.c.seat)))
    return select(mine.c.team_id, mine.c.joined_at, seat).outerjoin(first, ours)


def _with_user(rows: Subquery, which: ColumnElement[bool]) -> Select:
    """Rows of users in teams, with each user's email and Thinkific id."""
    user = select(*rows.c, User.email, User.thinkific_id)
    return user.join(User, User.id == rows.c.user_id).where(which)


def _counted(others: bool) -> CTE:
    """The teams whose seats decide what the page shows, where users outnumber seats: this
    team; with `others` (this team's access ends on a date), the teams that give one of its
    courses for longer to a shown user holding an enrollment the dashboard made in it (what
    they give decides whether that enrollment's end is right; the others' seats change
    nothing the page shows)."""
    outnumbered = and_(Team.seat_limit.is_not(None), Team.users_count > Team.seat_limit)
    this = select(Team.id, Team.seat_limit).where(Team.id == TEAM_ID, outnumbered)
    if not others:
        return this.cte("counted")
    holding = and_(
        AccessEnrollment.user_id == Membership.user_id,
        Among(AccessEnrollment.course_id, "course_ids"),
        AccessEnrollment.created_by_dashboard.is_(True),
    )
    their = (
        select(Assignment.team_id)
        .join(Membership, Membership.group_id == Assignment.group_id)
        .join(AccessEnrollment, holding)
        .where(Among(Membership.user_id, "user_ids"))
    )
    gives = exists().where(
        team_courses.c.team_id == Team.id,
        Among(team_courses.c.course_id, "course_ids"),
        Course.id == team_courses.c.course_id,
        Course.deleted_in_thinkific_at.is_(None),
    )
    longer = or_(Team.access_ends_on.is_(None), Team.access_ends_on > ENDS_ON)
    longer_to_them = select(Team.id, Team.seat_limit).where(
        Team.id.in_(their), longer, gives, outnumbered
    )
    return union(this, longer_to_them).cte("counted")  # apart: each read by an index


def _members() -> Select:
    """Each user of each team with the moment they joined it (`seats.joined`, per team)."""
    return (
        select(
            Assignment.team_id,
            Membership.user_id,
            func.min(Membership.added_at).label("joined_at"),
        )
        .join(Membership, Membership.group_id == Assignment.group_id)
        .group_by(Assignment.team_id, Membership.user_id)
    )


def _shown(counted: CTE) -> Select:
    """The page's users in each of their teams, found from their own memberships (by their
    index); in the counted teams without a seat unless a seat row numbers theirs (`_seat_rows`),
    in the others holding one as everyone does."""
    mine = _members().where(Among(Membership.user_id, "user_ids")).subquery("mine")
    seat = case((mine.c.team_id.in_(select(counted.c.id)), literal(seats.PAST_HEAD)))
    return select(*mine.c, seat.label("seat"), literal(1).label("shown"))


def _seat_rows(first: CTE) -> Select:
    """The page's users among the first users of the counted teams (`seats.head`), numbered:
    rows of their own, which `_Read` puts on their memberships (a join to each membership row
    would scan the head again for each: PostgreSQL expects too few rows to hash it)."""
    numbered = select(*first.c, literal(SEAT_ROW), null(), null())
    return numbered.where(Among(first.c.user_id, "user_ids"))


def _left_out(first: CTE) -> Select:
    return (
        select(*first.c, literal(0))
        .where(first.c.team_id == TEAM_ID, first.c.seat > SEAT_LIMIT)
        .order_by(first.c.seat)
        .limit(seats.LEFT_OUT_SHOWN)
    )


RECORD_COLUMNS = tuple(
    getattr(AccessEnrollment, name)
    for name in (
        "id",
        "user_id",
        "course_id",
        "thinkific_id",
        "created_by_dashboard",
        "expires_at",
        "ended_at",
        "kept_at",
        "created_at",
    )
)


class _Read:
    """The statement's rows as an access view of the page's users, their seats, and who is
    left out."""

    def __init__(self, rows) -> None:
        self.terms: dict[int, tuple] = {}
        self.given: dict[int, set[int]] = defaultdict(set)
        self.members: dict[int, dict[int, tuple[Member, int | None]]] = defaultdict(dict)
        self.users: dict[int, UserRef] = {}
        self.courses: dict[int, CourseRef] = {}
        self.records: dict[tuple[int, int], RecordRef] = {}
        self.numbers: dict[tuple[int, int], int] = {}  # (team, user) → seat, from seat rows
        left_out: list[tuple[int, Person, datetime]] = []
        for row in rows:
            team_id, user_id, joined_at, seat, shown, email, thinkific_id = row[:7]
            if shown == SEAT_ROW:
                self.numbers[(team_id, user_id)] = seat
                continue
            if not shown:
                left_out.append((seat, Person(user_id, email), joined_at))
                continue
            self.terms[team_id] = tuple(row[7:10])
            self.members[team_id][user_id] = (Member(user_id, aware(joined_at)), seat)
            self.users[user_id] = UserRef(user_id, email, thinkific_id)
            self._course(team_id, row[10:13], row[13:])
        self.left_out = [(person, joined_at) for _, person, joined_at in sorted(left_out)]

    def _course(self, team_id: int, course, record) -> None:
        if course[0] is None:
            return
        self.given[team_id].add(course[0])
        self.courses[course[0]] = CourseRef(*course, False)
        if record[0] is not None:
            ref = RecordRef(*record[:5], *map(aware, record[5:]))
            self.records[(ref.user_id, ref.course_id)] = ref

    def view(self, user_ids: list[int]) -> AccessView:
        terms = {
            team_id: Terms(team_id, name, frozenset(self.given[team_id]), ends_on, limit)
            for team_id, (name, ends_on, limit) in self.terms.items()
        }
        members = {
            team_id: [member for member, _ in rows.values()]
            for team_id, rows in self.members.items()
        }
        scope = Scope.users(user_ids)
        return AccessView(scope, terms, members, self.users, self.courses, self.records)

    def seats(self) -> dict[int, Seats]:
        """Each team's seats among the page's users: a seat numbered past the limit is none."""
        found = {}
        for team_id, rows in self.members.items():
            limit = self.terms[team_id][2]
            numbered = [(m, self.numbers.get((team_id, m.user_id), n)) for m, n in rows.values()]
            seated = [m for m, seat in numbered if seat is None or seat <= limit]
            out = [m for m, seat in numbered if seat is not None and seat > limit]
            found[team_id] = Seats(
                tuple(sorted(seated, key=seat_order)), tuple(sorted(out, key=seat_order))
            )
        return found
