"""Every list and detail screen sends the same few SQL statements whatever its number of rows:
each sort, filter and search of Users, Teams, a group's, a team's and a user's page, Sync history,
a run's events and Activity."""

from __future__ import annotations

import pytest

from dashboard.extensions import db
from dashboard.models import Course, EventOutcome, RunState, RunTrigger, SyncEvent, SyncRun
from tests.fixtures.app import HTMX
from tests.querycount import count_queries

SEARCHES = ("a", "ex", "example", "zzzz")


def grow(make, state: dict, rounds: int) -> None:
    """More of everything around the same group, team and user."""
    for _ in range(rounds):
        user = make.user()
        group = make.group()
        make.member(group, user)
        make.member(state["group"], user)
        make.assignment(group, state["team"])
        make.member(group, state["user"])
        run = SyncRun(trigger=RunTrigger.MANUAL, state=RunState.SUCCEEDED)
        db.session.add(run)
        db.session.flush()
        for action in ("add_remote", "add_local"):
            db.session.add(
                SyncEvent(
                    run_id=state["run"],
                    group_id=group.id,
                    email=user.email,
                    action=action,
                    outcome=EventOutcome.APPLIED,
                    reason="added in the dashboard",
                )
            )
        db.session.commit()


@pytest.fixture
def state(make) -> dict:
    group, team, user = make.group("Home"), make.team("Home Team"), make.user("me@example.com")
    make.assignment(group, team)
    make.member(group, user)
    run = SyncRun(trigger=RunTrigger.MANUAL, state=RunState.SUCCEEDED)
    db.session.add(run)
    db.session.commit()
    return {"group": group, "team": team, "user": user, "run": run.id}


def urls(state: dict) -> list[str]:
    group, team = f"/admin/groups/{state['group'].id}", f"/admin/teams/{state['team'].id}"
    run = f"/admin/sync-runs/{state['run']}"
    return [
        *(
            f"/admin/users/?sort={s}&dir={d}"
            for s in ("email", "name", "thinkific_id", "groups")
            for d in ("asc", "desc")
        ),
        *(f"/admin/users/?q={q}" for q in SEARCHES),
        *(
            f"/admin/teams/?sort={s}&dir={d}"
            for s in ("name", "groups", "users", "seats")
            for d in ("asc", "desc")
        ),
        *(f"/admin/teams/?q={q}" for q in SEARCHES),
        group,
        f"{group}?page=2",
        *(f"{group}?q={q}" for q in SEARCHES),
        f"{team}?sort=email",
        f"{team}?sort=name&dir=desc",
        *(f"{team}?q={q}" for q in SEARCHES),
        f"/admin/users/{state['user'].id}",
        "/admin/sync-runs/",
        "/admin/sync-runs/?page=2",
        run,
        f"{run}?outcome=failed",
        f"{run}?action=add_local",
        f"{run}?page=2",
        *(f"{run}?q={q}" for q in SEARCHES),
        "/admin/activity/",
        "/admin/activity/?kind=member_added",
        "/admin/activity/?type=user",
        *(f"/admin/activity/?q={q}" for q in SEARCHES),
    ]


def queries(client, url: str) -> int:
    client.get(url, headers=HTMX)  # anything loaded once per process is loaded
    with count_queries() as statements:
        assert client.get(url, headers=HTMX).status_code == 200
    return len(statements)


def test_every_screen_costs_the_same_few_queries_whatever_its_rows(client, admin, make, state):
    grow(make, state, 2)
    few = {url: queries(client, url) for url in urls(state)}
    grow(make, state, 30)
    many = {url: queries(client, url) for url in urls(state)}
    assert many == few
    for url, count in many.items():
        assert count <= 5, (url, count)


# When a team gives a course, its users' seats and a user's course access are computed by the
# planner the sync uses (teams, their courses, the users and their enrollments): a few more.
GIVING_TEAM_PAGE, GIVING_USER_PAGE = 7, 7


def test_pages_with_access_cost_the_same_few_queries_whatever_their_rows(
    client, admin, make, state
):
    course = Course(name="Safety", thinkific_id=77)
    db.session.add(course)
    state["team"].courses = [course]
    state["team"].seat_limit = 5
    db.session.commit()
    team, user = f"/admin/teams/{state['team'].id}", f"/admin/users/{state['user'].id}"
    pages = [team, f"{team}?sort=name&dir=desc", f"{team}?q=example", user]
    grow(make, state, 2)
    few = {url: queries(client, url) for url in pages}
    grow(make, state, 30)
    many = {url: queries(client, url) for url in pages}
    assert many == few
    assert many[user] <= GIVING_USER_PAGE
    assert all(many[url] <= GIVING_TEAM_PAGE for url in pages if url != user), many
