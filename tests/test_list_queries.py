"""Every list and detail screen sends the same few SQL statements whatever its number of rows:
each sort, filter and search of Users, Teams, a group's, a team's and a user's page, Sync history,
a run's events and Activity, as htmx fragments and as whole pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.database import is_postgresql
from dashboard.extensions import db
from dashboard.models import (
    Course,
    EventOutcome,
    ManualAction,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncRun,
    SyncState,
    User,
)
from tests.fixtures.app import HTMX
from tests.querycount import count_queries, transactions_seen

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


def test_pages_with_access_cost_the_same_few_queries_whatever_their_rows(
    client, admin, make, state
):
    """A team that gives a course shows each user's seat and access, and so does a user's
    page: computed by the planner the sync uses, in the same few queries."""
    give_course(state["team"])
    team, user = f"/admin/teams/{state['team'].id}", f"/admin/users/{state['user'].id}"
    pages = [team, f"{team}?sort=name&dir=desc", f"{team}?q=example", user]
    grow(make, state, 2)
    few = {url: queries(client, url) for url in pages}
    grow(make, state, 30)
    many = {url: queries(client, url) for url in pages}
    assert many == few
    assert all(count <= 5 for count in many.values()), many


def give_course(team, seat_limit: int = 5) -> None:
    course = Course(name="Safety", thinkific_id=77)
    db.session.add(course)
    team.courses = [course]
    team.seat_limit = seat_limit
    db.session.commit()


def whole_page_queries(client, url: str) -> int:
    """A page loaded the way a browser loads it (not htmx): with the banner of plans waiting."""
    client.get(url)  # anything loaded once per process is loaded
    with count_queries() as statements:
        response = client.get(url)
        assert response.status_code == 200
    assert "for your approval" in response.text  # the banner shows, at no statement of its own
    return len(statements)


def whole_pages(state: dict) -> list[str]:
    group, team = f"/admin/groups/{state['group'].id}", f"/admin/teams/{state['team'].id}"
    return [
        group,
        f"{group}?page=2",
        f"{group}?q=example",
        team,
        f"/admin/users/{state['user'].id}",
    ]


def pause(make) -> None:
    """A group waits for approval: every whole page shows the banner."""
    paused = make.group("Waiting")
    paused.sync_state = SyncState.PAUSED
    db.session.commit()


def test_whole_pages_cost_the_same_few_queries_whatever_their_rows(client, admin, make, state):
    pause(make)
    grow(make, state, 2)
    few = {url: whole_page_queries(client, url) for url in whole_pages(state)}
    grow(make, state, 30)
    many = {url: whole_page_queries(client, url) for url in whole_pages(state)}
    assert many == few
    assert all(count <= 5 for count in many.values()), many


def test_whole_pages_with_more_to_show_cost_the_same_few_queries(client, admin, make, state):
    """A group with open manual actions reads them with its recent runs; a team that gives a
    course reads its users' seats and access, and the users left without one, in one query."""
    pause(make)
    give_course(state["team"], seat_limit=1)  # users are left without a seat
    group, team = f"/admin/groups/{state['group'].id}", f"/admin/teams/{state['team'].id}"
    grow(make, state, 2)
    open_removals(state["group"], 2)
    few = {url: whole_page_queries(client, url) for url in (group, team)}
    grow(make, state, 30)
    open_removals(state["group"], 30)
    many = {url: whole_page_queries(client, url) for url in (group, team)}
    assert many == few
    assert all(count <= 5 for count in many.values()), many
    assert "Manual actions (32 open)" in client.get(group).text


def open_removals(group, count: int) -> None:
    users = db.session.scalars(select(User).order_by(User.id.desc()).limit(count)).all()
    for user in users:
        db.session.add(ManualAction(group_id=group.id, user_id=user.id, reason="removed"))
    db.session.commit()


@pytest.mark.parametrize("page", ["group", "team", "user"])
def test_the_banner_a_whole_page_keeps_follows_the_groups(client, admin, make, state, page):
    """The banner of plans waiting is kept by the groups' data version the page read: a group
    that pauses or goes on shows on (or leaves) the next page at once."""
    url = f"/admin/{page}s/{state[page].id}"
    other = make.group("Other")
    assert "for your approval" not in client.get(url).text
    other.sync_state = SyncState.PAUSED
    db.session.commit()
    assert "for your approval" in client.get(url).text
    other.sync_state = SyncState.IDLE
    db.session.commit()
    assert "for your approval" not in client.get(url).text


LISTS_THAT_ONLY_READ = ("/admin/groups/", "/admin/users/", "/admin/teams/")


@pytest.mark.parametrize("url", LISTS_THAT_ONLY_READ)
def test_on_postgresql_a_list_is_read_without_begin_and_rollback(client, auth, state, url):
    """Two round trips of five spared per request (database.reads_only); SQLite unchanged."""
    auth.login()
    db.session.commit()  # as each request of a server begins with no transaction of its own
    with transactions_seen() as reads:
        for query in ("", "?q=home", "?sort=name&dir=desc", "?page=2"):
            assert client.get(url + query).status_code == 200
            assert client.get(url + query, headers=HTMX).status_code == 200
    assert reads == {not is_postgresql()}


@pytest.mark.parametrize("page", ["group", "team", "user"])
def test_on_postgresql_a_records_page_is_read_without_begin_and_rollback(client, auth, state, page):
    """A group's, a team's and a user's page only read too: whole, and their htmx lists."""
    url = f"/admin/{page}s/{state[page].id}"
    auth.login()
    db.session.commit()
    with transactions_seen() as reads:
        for query in ("", "?q=me", "?sort=email&dir=desc", "?page=2"):
            assert client.get(url + query).status_code == 200
            if page != "user":  # a user's page lists no members
                assert client.get(url + query, headers=HTMX).status_code == 200
    assert reads == {not is_postgresql()}


HISTORY_AND_ACTIVITY = ("/admin/sync-runs/", "/admin/sync-runs/{run}", "/admin/activity/")


@pytest.mark.parametrize("path", [*HISTORY_AND_ACTIVITY, "/admin/sync-runs/{run}/live"])
def test_on_postgresql_history_and_activity_read_without_begin_and_rollback(
    client, auth, state, path
):
    """Sync history, a run (and its poll) and Activity only read too. (The Sync bar's poll and
    a group's do not: they may find a dead run and end it, or start a sync pressed for.)"""
    url = path.format(run=state["run"])
    auth.login()
    db.session.commit()
    with transactions_seen() as reads:
        assert client.get(url, headers=HTMX).status_code == 200
        assert client.get(url + "?q=me", headers=HTMX).status_code == 200
    assert reads == {not is_postgresql()}
