"""Users' access as the pages show it: per course, what Thinkific holds (as the last sync read
it), and what the next sync will do and why — computed by the planner itself, so a page never
says something the sync would not do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..models import Team, utcnow
from ..plurals import count
from .loading import AccessView
from .planner import (
    AccessAction,
    AccessPlan,
    Held,
    Seats,
    Terms,
    explainer,
    plan_access,
    seats_of,
)
from .reasons import Reasons, no_seat_words

ACTIVE_KEYS = ("active", "outside")


@dataclass(frozen=True)
class CourseState:
    key: str  # active, waiting, ending, ended, outside, kept, none
    label: str
    detail: str = ""

    @property
    def active(self) -> bool:
        return self.key in ACTIVE_KEYS or self.key in ("ending", "kept")


@dataclass(frozen=True)
class TeamSeat:
    """A user's standing in one team: its seat and what its courses give them."""

    key: str  # active, partial, waiting, no_seat, ended, no_courses
    label: str
    detail: str = ""


@dataclass(frozen=True)
class UserCourse:
    """One course on a user's page: its name and the user's access to it."""

    id: int
    name: str
    state: CourseState


@dataclass
class AccessReport:
    view: AccessView
    plan: AccessPlan
    held: dict[tuple[int, int], Held]
    seats: dict[int, Seats]
    reasons: Reasons
    now: datetime

    def courses_of(self, user_id: int) -> list[int]:
        """Courses the user's teams give or that Thinkific holds for them, by course name."""
        given = {
            course
            for team_id, members in self.view.members.items()
            if any(m.user_id == user_id for m in members)
            for course in self.view.terms[team_id].course_ids
        }
        held = {course for user, course in self.held if user == user_id}
        name = lambda course: self.view.courses[course].name.casefold()  # noqa: E731
        return sorted(given | held, key=lambda course: (name(course), course))

    def user_courses(self, user_id: int) -> list[UserCourse]:
        """The user's courses (`courses_of`) with their names and access, for the user's page."""
        return [
            UserCourse(course_id, self.view.courses[course_id].name, self.state(user_id, course_id))
            for course_id in self.courses_of(user_id)
        ]

    def state(self, user_id: int, course_id: int) -> CourseState:
        pair = (user_id, course_id)
        change = next((c for c in self.plan.changes if (c.user_id, c.course_id) == pair), None)
        if change is not None:
            if change.action == AccessAction.END:
                return CourseState("ending", "Ends at the next sync", change.reason)
            return CourseState("waiting", "Waiting for the next sync", change.reason)
        note = next((n for n in self.plan.notes if (n.user_id, n.course_id) == pair), None)
        held = self.held.get(pair)
        if note is not None:
            key, label = (
                ("kept", "Kept by an admin")
                if held.ours
                else ("outside", "Enrolled outside the dashboard")
            )
            return CourseState(key, label, note.reason)
        if held is not None and held.active(self.now):
            return CourseState("active", _until(held), "Enrolled by the dashboard")
        if held is not None:
            return CourseState(
                "ended", f"Ended {held.expires_at:%Y-%m-%d}", self.reasons.why_not(pair)
            )
        return CourseState("none", "No access", self.reasons.why_not(pair))

    def team_seat(self, team: Team, user_id: int) -> TeamSeat:
        terms = self.view.terms[team.id]
        member = next((m for m in self.seats[team.id].left_out if m.user_id == user_id), None)
        same_for_all = seat_of_every_user(terms, self.now.date())
        if same_for_all is not None:
            return same_for_all
        if member is not None:
            words = no_seat_words(terms, member)
            return TeamSeat("no_seat", "No seat", f"{words[0].upper()}{words[1:]}.")
        states = [self.state(user_id, course) for course in sorted(terms.course_ids)]
        active = sum(state.active for state in states)
        if active == len(states):
            return TeamSeat("active", "Active", f"Enrolled in {count(len(states), 'course')}.")
        if active:
            return TeamSeat(
                "partial", f"{active} of {len(states)} courses", "The next sync enrolls the rest."
            )
        return TeamSeat("waiting", "Waiting for sync", "The next sync enrolls them.")


def seat_of_every_user(terms: Terms, today: date) -> TeamSeat | None:
    """The standing of every user of a team that gives no course or whose access ended: known
    without a report (a page need not load one)."""
    if not terms.course_ids:
        return TeamSeat("no_courses", "No courses", "This team gives no course yet.")
    if terms.ended(today):
        return TeamSeat("ended", "Ended", f"Access ended on {terms.ends_on.isoformat()}.")
    return None


def report_of(view: AccessView, seats: dict[int, Seats] | None = None) -> AccessReport:
    """The access of a view's users as the planner decides it; `seats`, when given, are theirs
    as counted in SQL (`standing.py`), else the planner allocates them from the view."""
    held = {
        pair: Held(record.thinkific_id or 0, record.expires_at, record.ours, record.kept_at)
        for pair, record in view.records.items()
        if record.thinkific_id is not None
    }
    now = utcnow()
    snapshot = view.snapshot(held)
    seats = seats_of(snapshot) if seats is None else seats
    plan = plan_access(snapshot, now=now, seats=seats)
    return AccessReport(view, plan, held, seats, explainer(snapshot, seats, now), now)


def _until(held: Held) -> str:
    return "Active, no end date" if held.no_end else f"Active until {held.expires_at:%Y-%m-%d}"
