"""What the access planner reads for some users: their teams, each with those users, and with
every user where seats count; the courses given and those on record. The same whether the
users are read in one query or in chunks."""

from __future__ import annotations

import pytest

from dashboard.access import members
from dashboard.access.loading import Scope, load_view
from dashboard.extensions import db
from dashboard.models import AccessEnrollment, Course, utcnow


@pytest.fixture
def school(make) -> dict:
    """Team Seats (2 seats, gives Safety), team Open (no limit, gives Safety), team Bare (2
    seats, gives nothing), a group each; Ann, Bob and Cy in all, Dee and Eve in Seats and Open
    only. Ann holds an enrollment in Old, a course deleted in Thinkific that no team gives."""
    safety = Course(name="Safety", thinkific_id=1)
    old = Course(name="Old", thinkific_id=2, deleted_in_thinkific_at=utcnow())
    db.session.add_all([safety, old])
    teams = {
        "seats": make.team("Seats", seat_limit=2),
        "open": make.team("Open"),
        "bare": make.team("Bare", seat_limit=2),
    }
    teams["seats"].courses = teams["open"].courses = [safety]
    users = {name: make.user(f"{name}@example.com") for name in ("ann", "bob", "cy", "dee", "eve")}
    for key, team in teams.items():
        group = make.group(f"{team.name} group")
        make.assignment(group, team)
        for name, user in users.items():
            if key != "bare" or name in ("ann", "bob", "cy"):
                make.member(group, user)
    db.session.add(AccessEnrollment(user_id=users["ann"].id, course_id=old.id, thinkific_id=9))
    db.session.commit()
    return {"teams": teams, "users": users, "safety": safety, "old": old}


def members_by_name(view, school) -> dict[str, set[str]]:
    emails = {user.id: name for name, user in school["users"].items()}
    return {
        key: {emails[member.user_id] for member in view.members.get(team.id, [])}
        for key, team in school["teams"].items()
    }


@pytest.mark.parametrize("chunk", [1, 2, members.CHUNK])
def test_some_users_are_read_with_every_user_where_seats_count(school, monkeypatch, chunk):
    monkeypatch.setattr(members, "CHUNK", chunk)
    ann, bob = school["users"]["ann"], school["users"]["bob"]
    view = load_view(Scope.users([ann.id, bob.id]))
    assert members_by_name(view, school) == {
        "seats": {"ann", "bob", "cy", "dee", "eve"},  # seats go by who joined first: all count
        "open": {"ann", "bob"},
        "bare": {"ann", "bob"},  # gives nothing: no seat to count
    }
    assert set(view.users) == {ann.id, bob.id}
    assert {course.name: course.deleted for course in view.courses.values()} == {
        "Safety": False,
        "Old": True,
    }
    assert view.courses_to_read() == [view.courses[school["safety"].id]]
    assert set(view.records) == {(ann.id, school["old"].id)}


def test_a_team_read_for_some_users_is_the_team_everyone_sees(school, monkeypatch):
    monkeypatch.setattr(members, "CHUNK", 1)
    seats = school["teams"]["seats"].id
    some = load_view(Scope.users([school["users"]["eve"].id]))
    everyone = load_view(Scope.everyone())
    assert sorted(some.members[seats], key=str) == sorted(everyone.members[seats], key=str)
    assert some.terms[seats] == everyone.terms[seats]
