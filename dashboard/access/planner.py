"""Team access (DESIGN §2): who should have which course, and what Thinkific must change.

A pure function of what the dashboard and Thinkific hold, like the group planner: nothing here
touches Flask, HTTP or the database, so one plan serves Preview, the CLI and a real run.

The rules:
- a user's access is the union, over the teams they belong to, of each team's courses;
- a team whose access end date has passed gives nothing; otherwise its enrollments expire at
  the end of that day (UTC); with several teams giving a course, the latest end wins and no
  end date beats any date;
- a team with a seat limit gives access to at most that many users: the seats go to its users
  in the order they joined the team (their earliest membership in one of its groups), ties by
  user id. A seat is never taken from someone by a newcomer; the users left out are the latest
  to join;
- only enrollments the dashboard created are ever changed; one it no longer should give is
  ended by setting its expiry to now (Thinkific has no enrollment delete).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from .reasons import Reasons

# Thinkific's API cannot clear an expiry date once set (the update request takes a date or
# nothing), so access given again with no end expires at the last moment a team can be given.
NO_END = datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)
SAME_MOMENT = timedelta(minutes=1)  # expiries closer than this are the same


class AccessAction(StrEnum):
    GRANT = "grant_access"
    EXTEND = "extend_access"
    SHORTEN = "shorten_access"
    END = "end_access"


ACTION_WORDS = {
    AccessAction.GRANT: "to enroll",
    AccessAction.EXTEND: "to extend or give again",
    AccessAction.SHORTEN: "to end earlier",
    AccessAction.END: "to end",
}


def end_of_day(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(23, 59, 59), UTC)


@dataclass(frozen=True)
class Terms:
    """A team's configuration: what membership gives."""

    team_id: int
    name: str
    course_ids: frozenset[int] = frozenset()
    ends_on: date | None = None
    seat_limit: int | None = None

    def ended(self, today: date) -> bool:
        return self.ends_on is not None and self.ends_on < today


@dataclass(frozen=True)
class Member:
    user_id: int
    joined_at: datetime  # the earliest membership in one of the team's groups


@dataclass(frozen=True)
class Seats:
    seated: tuple[Member, ...]
    left_out: tuple[Member, ...]


def seat_order(member: Member) -> tuple[datetime, int]:
    return member.joined_at, member.user_id


def allocate(terms: Terms, members: Iterable[Member]) -> Seats:
    """Earliest to join first; everyone when the team has no seat limit."""
    ordered = tuple(sorted(members, key=seat_order))
    if terms.seat_limit is None:
        return Seats(ordered, ())
    return Seats(ordered[: terms.seat_limit], ordered[terms.seat_limit :])


@dataclass(frozen=True)
class Held:
    """An enrollment Thinkific holds for a (user, course), with what the dashboard knows of it."""

    enrollment_id: int
    expires_at: datetime | None
    ours: bool
    kept_at: datetime | None = None  # an admin rejected ending it

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now

    @property
    def no_end(self) -> bool:
        return self.expires_at is None or self.expires_at >= NO_END - timedelta(days=1)


@dataclass(frozen=True)
class Given:
    """What the user's teams give for one course: the teams and the end that wins."""

    teams: tuple[Terms, ...]

    @property
    def ends_on(self) -> date | None:
        ends = [terms.ends_on for terms in self.teams]
        return None if None in ends else max(ends)

    @property
    def ends_at(self) -> datetime | None:
        return end_of_day(self.ends_on)


@dataclass(frozen=True)
class AccessSnapshot:
    teams: Mapping[int, Terms]
    members: Mapping[int, Sequence[Member]]  # team id → its users
    course_names: Mapping[int, str]
    held: Mapping[tuple[int, int], Held]  # (user id, course id) → Thinkific's enrollment
    scope: frozenset[int]  # the users whose access is planned


@dataclass(frozen=True)
class AccessChange:
    action: AccessAction
    user_id: int
    course_id: int
    reason: str
    expires_at: datetime | None = None  # what the enrollment's expiry becomes (None: no end)
    enrollment_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.user_id}:{self.course_id}"


@dataclass(frozen=True)
class Note:
    """Something the plan leaves alone on purpose, said in words."""

    user_id: int
    course_id: int
    reason: str


@dataclass(frozen=True)
class AccessPlan:
    changes: tuple[AccessChange, ...] = ()
    notes: tuple[Note, ...] = ()
    size: int = 0  # (user, course) pairs with access, now or once applied
    wanted: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    def of(self, action: AccessAction) -> list[AccessChange]:
        return [change for change in self.changes if change.action == action]

    @property
    def endings(self) -> list[AccessChange]:
        return self.of(AccessAction.END)

    def needs_approval(self, limit: int, percent: int, approved: Iterable[str] = ()) -> bool:
        """More endings (not yet approved) than `limit` and than `percent` % of the access."""
        allowed = set(approved)
        waiting = sum(1 for change in self.endings if change.key not in allowed)
        return waiting > limit and waiting * 100 > percent * self.size

    def summary(self) -> str:
        parts = [
            f"{len(self.of(action))} {ACTION_WORDS[action]}"
            for action in AccessAction
            if self.of(action)
        ]
        return ", ".join(parts) if parts else "no access to change"


def plan_access(
    snapshot: AccessSnapshot, *, now: datetime, seats: Mapping[int, Seats] | None = None
) -> AccessPlan:
    """Every change that makes Thinkific give the scope's users what their teams give; `seats`,
    when given, are the scope's users' seats as `allocate` numbers them, counted elsewhere (in
    SQL, for a page of users)."""
    seats = seats_of(snapshot) if seats is None else seats
    wanted = wanted_access(snapshot, seats, now.date())
    reasons = explainer(snapshot, seats, now)
    changes: list[AccessChange] = []
    notes: list[Note] = []
    pairs = {pair for pair in (*wanted, *snapshot.held) if pair[0] in snapshot.scope}
    for pair in sorted(pairs):
        change, note = _decide(pair, wanted.get(pair), snapshot.held.get(pair), reasons, now)
        changes += [change] if change else []
        notes += [note] if note else []
    size = sum(1 for pair in pairs if pair in wanted or _ours_active(snapshot.held[pair], now))
    return AccessPlan(tuple(changes), tuple(notes), size, frozenset(wanted))


def seats_of(snapshot: AccessSnapshot) -> dict[int, Seats]:
    return {
        team_id: allocate(terms, snapshot.members.get(team_id, ()))
        for team_id, terms in snapshot.teams.items()
    }


def explainer(snapshot: AccessSnapshot, seats: Mapping[int, Seats], now: datetime) -> Reasons:
    """The planner's words, for pages that say why a user has (or lacks) a course."""
    return Reasons(snapshot, _teams_by_user(snapshot, seats), now)


def wanted_access(
    snapshot: AccessSnapshot, seats: Mapping[int, Seats], today: date
) -> dict[tuple[int, int], Given]:
    """(user, course) → what gives it, for the users in scope."""
    teams_of: dict[tuple[int, int], list[Terms]] = defaultdict(list)
    for terms in sorted(snapshot.teams.values(), key=lambda t: (t.name.casefold(), t.team_id)):
        if terms.ended(today) or not terms.course_ids:
            continue
        for member in seats[terms.team_id].seated:
            if member.user_id in snapshot.scope:
                for course_id in terms.course_ids:
                    teams_of[(member.user_id, course_id)].append(terms)
    return {pair: Given(tuple(teams)) for pair, teams in teams_of.items()}


def _decide(pair, given: Given | None, held: Held | None, reasons: Reasons, now: datetime):
    user_id, course_id = pair
    if held is None:
        return AccessChange(
            AccessAction.GRANT, user_id, course_id, reasons.grant(pair, given), given.ends_at
        ), None
    if not held.ours:
        return None, (Note(user_id, course_id, reasons.foreign(pair, held)) if given else None)
    if given is None:
        return _unwanted(pair, held, reasons, now)
    action = _adjustment(given, held, now)
    if action is None:
        return None, None
    why = reasons.adjust(action, pair, given, held)
    expires = given.ends_at or NO_END
    return AccessChange(action, user_id, course_id, why, expires, held.enrollment_id), None


def _unwanted(pair, held: Held, reasons: Reasons, now: datetime):
    if not held.active(now):
        return None, None
    if held.kept_at is not None:
        return None, Note(*pair, reasons.kept(pair, held))
    change = AccessChange(
        AccessAction.END, *pair, reasons.end(pair), now, enrollment_id=held.enrollment_id
    )
    return change, None


def _adjustment(given: Given, held: Held, now: datetime) -> AccessAction | None:
    """How our enrollment's expiry must move to match what the teams give, if at all."""
    if not held.active(now):
        return AccessAction.EXTEND
    if given.ends_at is None:
        return None if held.no_end else AccessAction.EXTEND
    if held.no_end:
        return AccessAction.SHORTEN
    if abs(given.ends_at - held.expires_at) < SAME_MOMENT:
        return None
    return AccessAction.EXTEND if given.ends_at > held.expires_at else AccessAction.SHORTEN


def _ours_active(held: Held, now: datetime) -> bool:
    return held.ours and held.active(now)


def _teams_by_user(
    snapshot: AccessSnapshot, seats: Mapping[int, Seats]
) -> dict[int, list[tuple[Terms, Member, Seats]]]:
    """For each user in scope, each team they belong to, their membership and its seats."""
    found: dict[int, list[tuple[Terms, Member, Seats]]] = defaultdict(list)
    for team_id, terms in snapshot.teams.items():
        for member in snapshot.members.get(team_id, ()):
            if member.user_id in snapshot.scope:
                found[member.user_id].append((terms, member, seats[team_id]))
    return found
