"""A team's page shows each user's seat and access as the access planner decides them: the page
reads seats in SQL for just the users it shows, the planner counts them over every user."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from dashboard.access.loading import Scope, load_view
from dashboard.access.planner import NO_END, end_of_day
from dashboard.access.status import report_of
from dashboard.counts import recount_teams
from dashboard.extensions import db
from dashboard.models import (
    AccessEnrollment,
    Assignment,
    Course,
    Direction,
    Group,
    Membership,
    MemberSource,
    Team,
    User,
    utcnow,
)
from tests.fixtures.app import HTMX
from tests.test_search_index import captured, fresh_statistics, plan

SEAT = re.compile(
    r'id="team-user-(\d+)".*?class="access access--(\w+)" title="(.*?)">(.*?)</span>', re.S
)


def joined(group, user, days_ago: float) -> None:
    db.session.execute(
        update(Membership)
        .where(Membership.group_id == group.id, Membership.user_id == user.id)
        .values(added_at=utcnow() - timedelta(days=days_ago))
    )
    db.session.commit()


def hold(user, course, expires_at, ours: bool = True) -> None:
    now = utcnow()
    db.session.add(
        AccessEnrollment(
            user_id=user.id,
            course_id=course.id,
            thinkific_id=1000 + user.id * 10 + course.id,
            created_by_dashboard=ours,
            expires_at=expires_at,
            created_at=now,
            updated_at=now,
        )
    )
    db.session.commit()


@pytest.fixture
def over_its_limit(make) -> tuple[Team, list]:
    """Acme gives Alpha and Beta until a date to 4 of its 7 users (one joined first through a
    second group, two joined at the same moment across the limit); Other gives Alpha with no
    end to the first of its 3 users, and two of them are in Acme; Later gives it for longer
    than Acme to the first of its 2 users, one of them in Acme too."""
    alpha, beta = Course(name="Alpha", thinkific_id=1), Course(name="Beta", thinkific_id=2)
    gone = Course(name="Gone", thinkific_id=3, deleted_in_thinkific_at=utcnow())
    ends_on = (utcnow() + timedelta(days=365)).date()
    acme = make.team("Acme", seat_limit=4, access_ends_on=ends_on)
    other = make.team("Other", seat_limit=1)
    later = make.team("Later", seat_limit=1, access_ends_on=ends_on + timedelta(days=100))
    acme.courses, other.courses, later.courses = [alpha, beta, gone], [alpha], [alpha]
    first, second, elsewhere = make.group("First"), make.group("Second"), make.group("Elsewhere")
    make.assignment(first, acme)
    make.assignment(second, acme)
    make.assignment(elsewhere, other)
    make.assignment(longer := make.group("Longer"), later)
    users = [make.member(first) for _ in range(7)]
    for user, days_ago in zip(users, (10, 9, 8, 7, 7, 6, 5), strict=True):
        joined(first, user, days_ago)
    joined(second, make.member(second, users[6]), 20)  # the last in First, the first in Acme
    for user, days_ago in ((users[1], 30), (users[2], 29), (make.user(), 28)):
        joined(elsewhere, make.member(elsewhere, user), days_ago)
    for user, days_ago in ((make.user(), 40), (users[0], 39)):  # no seat in Later
        joined(longer, make.member(longer, user), days_ago)
    until = end_of_day(ends_on)
    hold(users[6], alpha, until)
    hold(users[6], beta, until)
    hold(users[0], alpha, until)
    hold(users[1], alpha, NO_END)  # Other gives it with no end: the end matches
    hold(users[1], beta, until + timedelta(days=9), ours=False)
    hold(users[2], alpha, NO_END)  # no seat in Other: Acme's date wins, it is to end sooner
    hold(users[2], beta, utcnow() - timedelta(days=1))
    hold(users[5], alpha, NO_END)
    return acme, users


def test_the_team_page_shows_the_seats_and_access_the_planner_decides(
    client, admin, over_its_limit
):
    team, users = over_its_limit
    page = client.get(f"/admin/teams/{team.id}").text
    shown = {
        int(user): (key, html.unescape(title), label)
        for user, key, title, label in SEAT.findall(page)
    }
    report = report_of(load_view(Scope.everyone()))
    planned = {}
    for user in users:
        seat = report.team_seat(team, user.id)
        planned[user.id] = (seat.key, seat.detail, seat.label)
    assert shown == planned
    assert {key for key, _, _ in shown.values()} == {"active", "partial", "waiting", "no_seat"}
    left_out = [int(user) for user in re.findall(r'id="left-out-(\d+)"', page)]
    assert left_out == [member.user_id for member in report.seats[team.id].left_out]


def test_each_page_of_users_and_each_search_shows_the_planners_seats(client, admin, over_its_limit):
    team, users = over_its_limit
    report = report_of(load_view(Scope.everyone()))
    for query in ("?sort=email&dir=desc", "?q=learner", f"?q={users[3].email}"):
        fragment = client.get(f"/admin/teams/{team.id}{query}", headers=HTMX).text
        for user, key, _, label in SEAT.findall(fragment):
            seat = report.team_seat(team, int(user))
            assert (key, label) == (seat.key, seat.label), (query, user)


USER_COURSE = re.compile(
    r'<tr id="user-course-(\d+)">.*?class="access access--(\w+)" title="(.*?)">(.*?)</span>', re.S
)


def test_each_users_page_shows_the_access_the_planner_decides(client, admin, over_its_limit):
    """A user's page numbers their seat in SQL, for them alone (`standing.user_report`): the
    same words as the planner's over everyone, for users with a seat and without one."""
    _, users = over_its_limit
    report = report_of(load_view(Scope.everyone()))
    keys = set()
    for user in users:
        page = client.get(f"/admin/users/{user.id}").text
        shown = {
            int(course): (key, html.unescape(title), label)
            for course, key, title, label in USER_COURSE.findall(page)
        }
        planned = {
            course.id: (course.state.key, course.state.detail, course.state.label)
            for course in report.user_courses(user.id)
        }
        assert shown == planned, user.email
        keys |= {key for key, _, _ in shown.values()}
    assert {"active", "waiting", "none"} <= keys


CROWD = 2000  # users; a tenth as many groups and teams, two memberships each


@pytest.fixture
def crowded_team(make) -> Team:
    """A team giving a course among many teams, groups and memberships, with fresh statistics,
    so that a scan of memberships or assignments costs more than their indexes."""
    now, groups = utcnow(), CROWD // 10
    db.session.execute(
        insert(Group), [{"name": f"G {n}", "name_key": f"g {n}"} for n in range(groups)]
    )
    db.session.execute(
        insert(Team), [{"name": f"T {n}", "name_key": f"t {n}"} for n in range(groups)]
    )
    db.session.execute(insert(User), [{"email": f"u{n}@example.com"} for n in range(CROWD)])
    group_ids = db.session.scalars(select(Group.id).order_by(Group.id)).all()
    team_ids = db.session.scalars(select(Team.id).order_by(Team.id)).all()
    user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()
    links = [
        {"group_id": group, "team_id": team, "direction": Direction.BIDIRECTIONAL}
        for group, team in zip(group_ids, team_ids, strict=True)
    ]
    db.session.execute(insert(Assignment), links)
    members = [
        {
            "group_id": group_ids[(n + step) % groups],
            "user_id": user,
            "added_at": now,
            "source": MemberSource.DASHBOARD,
        }
        for n, user in enumerate(user_ids)
        for step in (0, 7)
    ]
    db.session.execute(insert(Membership), members)
    team = db.session.get(Team, team_ids[0])
    team.courses = [Course(name="Alpha", thinkific_id=1)]
    db.session.commit()
    recount_teams([team.id])
    db.session.commit()
    fresh_statistics()
    return team


def test_the_seats_are_read_by_index_not_by_scanning_every_membership(client, admin, crowded_team):
    """The page's users' teams are found from their own memberships on both databases (an
    `IN` that SQLite compared with 1 once scanned all 200,000 memberships: 40 ms a page)."""
    with captured() as seen:
        page = client.get(f"/admin/teams/{crowded_team.id}", headers=HTMX).text
    assert "20 users." in page
    seats = [(s, p) for s, p in seen if s.lstrip().startswith("WITH counted")]
    assert seats, "the page read no seats"
    for statement, parameters in seats:
        shown = plan(statement, parameters)
        # (PostgreSQL may read this test's few hundred assignments whole; SQLite may not, as
        # it then walks every group's members)
        assert "Seq Scan on memberships" not in shown, shown
        assert not re.search(r"\bSCAN (memberships|assignments)\b", shown), shown
