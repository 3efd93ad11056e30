"""Put the dashboard's side of the demo into the database, through the groups service.

Seeding adds what is missing and touches nothing that exists: a team, group or user already in
the database (by name or email) is left as it is, and a group's links and members are only
written when the seed creates the group. So a second run changes nothing.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from ..extensions import db
from ..groups import service
from ..models import Course, Group, MemberSource, Team, User, name_key
from .dataset import DemoData, DemoGroup, DemoTeam, DemoUser

KINDS = ("courses", "teams", "groups", "users", "assignments", "memberships")


def is_empty() -> bool:
    """Whether the database holds no teams, groups, users or courses (accounts don't count)."""
    return not any(db.session.scalar(select(func.count()).select_from(m)) for m in _MODELS)


def foreign_rows(data: DemoData) -> Counter:
    """How many teams, groups, users and courses in the database are not part of the demo."""
    checks = {
        "teams": (Team.name_key, {name_key(t.name) for t in data.teams}),
        "groups": (Group.name_key, {name_key(g.name) for g in data.groups}),
        "users": (User.email, {u.email for u in data.users}),
        "courses": (Course.thinkific_id, {c.thinkific_id for c in data.courses}),
    }
    counts = Counter()
    for kind, (column, demo_values) in checks.items():
        query = select(func.count()).where(column.not_in(demo_values))
        counts[kind] = db.session.scalar(query.select_from(column.class_)) or 0
    return +counts


def seed_dashboard(data: DemoData) -> Counter:
    """Add the demo's missing rows and commit; returns how many of each kind were created."""
    created = Counter()
    courses = _ensure_courses(data, created)
    teams = {team.name: _ensure_team(team, courses, created) for team in data.teams}
    for group in data.dashboard_groups():
        _ensure_group(data, group, teams, created)
    db.session.commit()
    return +created


def _ensure_courses(data: DemoData, created: Counter) -> dict[int, Course]:
    existing = {c.thinkific_id: c for c in db.session.scalars(select(Course))}
    for course in data.courses:
        if course.thinkific_id not in existing:
            row = Course(thinkific_id=course.thinkific_id, name=course.name, slug=course.slug)
            db.session.add(row)
            existing[course.thinkific_id] = row
            created["courses"] += 1
    return existing


def _ensure_team(team: DemoTeam, courses: dict[int, Course], created: Counter) -> Team:
    row = db.session.scalar(select(Team).filter_by(name_key=name_key(team.name)))
    if row is None:
        row = Team(name=team.name, name_key=name_key(team.name), description=team.description)
        row.seat_limit = team.seat_limit
        row.courses = [courses[course_id] for course_id in team.course_ids]
        db.session.add(row)
        db.session.flush()
        created["teams"] += 1
    return row


def _ensure_group(data: DemoData, group: DemoGroup, teams: dict, created: Counter) -> None:
    if service.find_group_by_name(group.name) is not None:
        return
    row = service.create_group(group.name)
    row.thinkific_id, row.token = group.thinkific_id, group.token
    created["groups"] += 1
    for team_name, direction in group.links:
        service.assign_team(row, teams[team_name], direction, by=None)
        created["assignments"] += 1
    for email in group.local_members:
        user = _ensure_user(data.by_email[email], created)
        service.add_member(row, user, MemberSource.SEED, by=None)
        created["memberships"] += 1


def _ensure_user(person: DemoUser, created: Counter) -> User:
    user = db.session.scalar(select(User).filter_by(email=person.email))
    if user is None:
        user = service.find_or_create_user(person.email, person.first_name, person.last_name)
        if person.thinkific_id and not _thinkific_id_taken(person.thinkific_id):
            user.thinkific_id = person.thinkific_id
        created["users"] += 1
    return user


def _thinkific_id_taken(thinkific_id: int) -> bool:
    return db.session.scalar(select(User.id).filter_by(thinkific_id=thinkific_id)) is not None


_MODELS = (Team, Group, User, Course)
