"""How the access plan says why: every change and every note carries its reason in words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..text import when

if TYPE_CHECKING:
    from .planner import AccessAction, AccessSnapshot, Given, Held, Member, Seats, Terms

    Pair = tuple[int, int]


def end_words(day: date | None) -> str:
    return "no end date" if day is None else f"until {day.isoformat()}"


def expiry_words(held: Held) -> str:
    return "no end" if held.no_end else f"{held.expires_at:%Y-%m-%d %H:%M} UTC"


def no_seat_words(terms: Terms, member: Member) -> str:
    """Why a user of a team with a seat limit gets nothing from it."""
    limit = f"{terms.seat_limit:,}"
    return (
        f"no seat in team {terms.name}: its {limit} seats go to the {limit} users who joined "
        f"it first, and this user joined {when(member.joined_at)}"
    )


@dataclass(frozen=True)
class Reasons:
    snapshot: AccessSnapshot
    teams_of: dict[int, list[tuple[Terms, Member, Seats]]]  # user → their teams
    now: datetime

    def course(self, course_id: int) -> str:
        return f"“{self.snapshot.course_names.get(course_id, f'course {course_id}')}”"

    def grant(self, pair: Pair, given: Given) -> str:
        return f"enroll in {self.course(pair[1])}: {given_words(given)}"

    def adjust(self, action: AccessAction, pair: Pair, given: Given, held: Held) -> str:
        course, given_text = self.course(pair[1]), given_words(given)
        if not held.active(self.now):
            return f"give access to {course} again (it ended {when(held.expires_at)}): {given_text}"
        change = f"{end_words(given.ends_on)}, was {expiry_words(held)}"
        if action == "extend_access":
            return f"extend access to {course} ({change}): {given_text}"
        return f"end access to {course} sooner ({change}): {given_text}"

    def end(self, pair: Pair) -> str:
        return f"end access to {self.course(pair[1])}: {self.why_not(pair)}"

    def kept(self, pair: Pair, held: Held) -> str:
        return (
            f"{self.course(pair[1])}: an admin chose to keep this access {when(held.kept_at)}, "
            f"although {self.why_not(pair)}"
        )

    def foreign(self, pair: Pair, held: Held) -> str:
        state = f"ends {expiry_words(held)}" if held.active(self.now) else "expired"
        return (
            f"{self.course(pair[1])}: enrolled in Thinkific outside the dashboard ({state}); "
            "the sync never changes that enrollment"
        )

    def why_not(self, pair: Pair) -> str:
        """Why the user's teams no longer give this course."""
        user_id, course_id = pair
        memberships = self.teams_of.get(user_id, [])
        if not memberships:
            return "no longer in any team (in no group assigned to a team)"
        giving = [entry for entry in memberships if course_id in entry[0].course_ids]
        if not giving:
            names = ", ".join(terms.name for terms, _, _ in memberships)
            return f"none of their teams ({names}) gives this course any more"
        return "; ".join(self._withheld(terms, member) for terms, member, _ in giving)

    def _withheld(self, terms: Terms, member: Member) -> str:
        if terms.ended(self.now.date()):
            return f"team {terms.name}'s access ended on {terms.ends_on.isoformat()}"
        return no_seat_words(terms, member)


def given_words(given: Given) -> str:
    parts = [_team_words(terms) for terms in given.teams]
    if len(parts) == 1:
        return f"given by team {parts[0]}"
    return f"given by teams {', '.join(parts)}; the latest end wins ({end_words(given.ends_on)})"


def _team_words(terms: Terms) -> str:
    bits = [end_words(terms.ends_on)]
    if terms.seat_limit is not None:
        bits.insert(0, f"{terms.seat_limit:,} seats")
    return f"{terms.name} ({', '.join(bits)})"
