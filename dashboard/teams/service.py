"""Business rules for teams: names, descriptions and configuration (courses, seats, access end).

Functions raise TeamError with a message for the admin, flush, add their record to the activity
trail, and leave committing to callers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import activity
from ..editing import FormError
from ..extensions import db
from ..groups.service import find_team_by_name
from ..models import Course, Team, name_key

NAME_MAX = 120
DESCRIPTION_MAX = 2000


class TeamError(FormError):
    """A change to a team that the rules refuse."""

    def __init__(self, message: str, field: str = "name"):
        super().__init__(message, field)


def clean_name(name: str | None) -> str:
    """Collapse whitespace and check the name is there, printable and not too long."""
    name = " ".join((name or "").split())
    if not name:
        raise TeamError("Give the team a name.")
    if len(name_key(name)) > NAME_MAX:  # the key can be longer than the name: "ß" → "ss"
        raise TeamError(f"A team name can have at most {NAME_MAX} characters.")
    if not name.isprintable():
        raise TeamError("A team name cannot contain control characters.")
    return name


def clean_description(description: str | None) -> str:
    description = (description or "").strip().replace("\r\n", "\n")
    if len(description) > DESCRIPTION_MAX:
        raise TeamError(f"Keep the description under {DESCRIPTION_MAX} characters.", "description")
    if not description.replace("\n", "").replace("\t", "").isprintable():
        raise TeamError("A description cannot contain control characters.", "description")
    return description


def create_team(
    name: str,
    description: str = "",
    seat_limit: int | None = None,
    access_ends_on: date | None = None,
) -> Team:
    team = Team(groups_count=0)
    _name(team, name, description)
    team.seat_limit, team.access_ends_on = seat_limit, access_ends_on
    db.session.add(team)
    _flush(team)
    activity.record(activity.Kind.TEAM_CREATED, team, after=snapshot(team))
    return team


def rename_team(team: Team, name: str, description: str | None = None) -> Team:
    before = snapshot(team)
    _name(team, name, description)
    _flush(team)
    activity.record(activity.Kind.TEAM_EDITED, team, before=before, after=snapshot(team))
    return team


def edit_team(
    team: Team, name: str, description: str, seat_limit: int | None, access_ends_on: date | None
) -> Team:
    """Rename the team and set its seat limit and access end (the list row's edit form)."""
    before = snapshot(team)
    _name(team, name, description)
    team.seat_limit, team.access_ends_on = seat_limit, access_ends_on
    _flush(team)
    activity.record(activity.Kind.TEAM_EDITED, team, before=before, after=snapshot(team))
    return team


def _name(team: Team, name: str, description: str | None) -> None:
    name = clean_name(name)
    other = find_team_by_name(name)
    if other is not None and other is not team:
        raise TeamError(f"A team named “{other.name}” already exists (names ignore case).")
    if description is not None:
        team.description = clean_description(description)
    team.name, team.name_key = name, name_key(name)


def snapshot(team: Team) -> dict:
    """What the activity trail shows of a team: its words and its configuration."""
    return {
        "name": team.name,
        "description": team.description or "",
        "courses": sorted(course.name for course in team.courses),
        "seat_limit": team.seat_limit,
        "access_ends_on": team.access_ends_on,
    }


def _flush(team: Team) -> None:
    """Write now, so that a name taken meanwhile by someone else is refused here."""
    try:
        db.session.flush()
    except IntegrityError:
        raise TeamError(f"A team named “{team.name}” was just created by someone else.") from None


def configure_team(
    team: Team,
    course_ids: Iterable[int],
    seat_limit: int | None,
    access_ends_on: date | None,
) -> Team:
    """Set what membership in the team gives: its courses, seat limit and access end date."""
    before = snapshot(team)
    team.courses = find_courses(course_ids)
    team.seat_limit, team.access_ends_on = seat_limit, access_ends_on
    db.session.flush()
    activity.record(activity.Kind.TEAM_EDITED, team, before=before, after=snapshot(team))
    return team


def find_courses(course_ids: Iterable[int]) -> list[Course]:
    ids = set(course_ids)
    courses = list(db.session.scalars(select(Course).where(Course.id.in_(ids))))
    if len(courses) != len(ids):
        raise TeamError(
            "One of the chosen courses no longer exists; reload and try again.", "courses"
        )
    return courses
