"""The confirm step of a team link change that the next sync would answer with removals.

Assigning a team, changing a direction and unassigning first ask what the next sync would
remove because of the change (`sync.impact`, from the database only). When it would remove
anyone, the view shows a `LinkChange` instead of saving: what would be removed, and a Confirm
button that posts the same change again with `confirmed=1`. When nothing would be removed the
change is saved at once. Either way the first sync after it pauses before any removal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request
from flask_wtf.csrf import generate_csrf

from ..models import Assignment, Direction, Group, Team
from ..sync.impact import Impact, link_change_impact
from ..sync.planner import Link
from .forms import DIRECTIONS

CONFIRMED = "confirmed"


@dataclass(frozen=True)
class LinkChange:
    """A change waiting for the admin's Confirm: the question, its removals, how to resend it."""

    question: str
    impact: Impact
    url: str
    fields: dict[str, str] = field(default_factory=dict)  # posted again with the Confirm
    cancel_url: str = ""
    cancel_get: str | None = None  # htmx: where Cancel fetches the unchanged part

    def hidden_fields(self) -> dict[str, str]:
        return {"csrf_token": generate_csrf(), **self.fields, CONFIRMED: "1"}


def is_confirmed() -> bool:
    return request.form.get(CONFIRMED) == "1"


def direction_label(direction: Direction) -> str:
    return DIRECTIONS[direction][0]


def links_of(group: Group, without: Assignment | None = None) -> list[Link]:
    return [
        Link(link.team.name, link.direction)
        for link in group.assignments
        if without is None or link.team_id != without.team_id
    ]


def assign_impact(group: Group, team: Team, direction: Direction) -> Impact:
    return link_change_impact(group, [*links_of(group), Link(team.name, direction)])


def direction_impact(assignment: Assignment, direction: Direction) -> Impact:
    group = assignment.group
    links = [*links_of(group, assignment), Link(assignment.team.name, direction)]
    return link_change_impact(group, links)


def unassign_impact(assignment: Assignment) -> Impact:
    return link_change_impact(assignment.group, links_of(assignment.group, assignment))
