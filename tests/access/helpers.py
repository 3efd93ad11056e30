"""Helpers for access tests: a school with courses, a team giving them, and what each side
holds, as people would check it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import AccessEnrollment, Course, Direction, Group, SyncEvent, Team, User
from dashboard.teams.service import configure_team
from tests.sync.helpers import sync


def school(control, *course_names: str) -> dict[str, int]:
    """Thinkific courses by name → Thinkific id; the sync pulls them into the dashboard."""
    created = control.seed(courses=[{"name": name} for name in course_names])
    return {entry["name"]: entry["id"] for entry in created["courses"]}


def course(name: str) -> Course:
    return db.session.scalar(select(Course).filter_by(name=name))


def configure(team: Team, *course_names: str, seat_limit=None, ends_on=None) -> Team:
    ids = [course(name).id for name in course_names]
    configure_team(team, ids, seat_limit, ends_on)
    db.session.commit()
    return team


def learner(site, make, email: str) -> User:
    """A user known on both sides (the dashboard knows their Thinkific id)."""
    return make.user(email=email, thinkific_id=site.user(email))


def team_with_group(make, name="Acme", direction=Direction.DISABLED) -> tuple[Team, Group]:
    """A team and a dashboard group assigned to it (Disabled: no member sync, still access)."""
    team, group = make.team(name), make.group(f"{name} learners")
    make.assignment(group, team, direction)
    return team, group


def enrollments(control) -> dict[tuple[str, str], dict]:
    """Thinkific's enrollments by (email, course name), as its admin would list them."""
    users = {u["id"]: u["email"] for u in control.users()}
    courses = {c["id"]: c["name"] for c in control.courses()}
    return {(users[e["user_id"]], courses[e["course_id"]]): e for e in control.enrollments()}


def parse(moment: str | None) -> datetime | None:
    if moment is None:
        return None
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(UTC)


def access_events(run) -> list[SyncEvent]:
    return db.session.scalars(
        select(SyncEvent)
        .where(SyncEvent.run_id == run.id, SyncEvent.course_id.is_not(None))
        .order_by(SyncEvent.id)
    ).all()


def records() -> list[AccessEnrollment]:
    db.session.expire_all()
    return db.session.scalars(select(AccessEnrollment).order_by(AccessEnrollment.id)).all()


__all__ = ["sync"]
