"""The Activity screen (admins only): newest first, filters, pages, the CSV, each detail page's
recent activity, and the retention purge."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Activity, Role, utcnow
from jobs.housekeeping import purge_activity
from tests.fixtures.app import HTMX
from tests.forms import DASH

URL = "/admin/activity/"


def kinds_shown(html: str) -> list[str]:
    return re.findall(r'<td class="kind">([^<]*)</td>', html)


def rows_shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="activity-(\d+)"', html)]


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


@pytest.fixture
def trail(client, auth, make):
    """An admin who made a few changes from 198.51.100.9, and a failed sign-in by someone."""
    client.post(
        "/login",
        data={"email": "mallory@example.com", "password": "guess"},
        environ_base={"REMOTE_ADDR": "192.0.2.66"},
    )
    account = auth.login(email="ann@example.com")
    remote = {"REMOTE_ADDR": "198.51.100.9"}
    client.post("/admin/groups/", data={"name": "Acme"}, headers=HTMX, environ_base=remote)
    group = db.session.scalar(select(Activity).filter_by(kind="group_created")).object_id
    client.post(
        f"/admin/groups/{group}/edit", data={"name": "Acme Corp"}, headers=HTMX, environ_base=remote
    )
    client.post(
        f"/admin/groups/{group}/members",
        data={"email": "bea@example.com"},
        headers=HTMX,
        environ_base=remote,
    )
    make.group("Other")  # the system's (no one signed in)
    return account, group


# --- who may see it ---------------------------------------------------------------------------


def test_viewers_are_refused_and_do_not_see_it_in_the_sidebar(client, auth):
    auth.login(Role.VIEWER)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export.csv").status_code == 403
    assert 'href="/admin/activity/"' not in client.get("/admin/groups/").text


def test_admins_find_it_in_the_sidebar(client, admin):
    assert '<a href="/admin/activity/">Activity</a>' in client.get("/admin/groups/").text


# --- the list ---------------------------------------------------------------------------------


def test_newest_first_with_who_where_what_and_the_change(client, trail):
    html = client.get(URL).text
    assert kinds_shown(html) == [
        "Group created",
        "Member added",
        "Group edited",
        "Group created",
        "Signed in",
        "Failed sign-in",
    ]
    for text in ("ann@example.com", "from 198.51.100.9", "mallory@example.com", "from 192.0.2.66"):
        assert text in html
    assert "<li>name: Acme → Acme Corp</li>" in html
    assert "system" in html  # the group made outside a request
    assert "6 records." in html


def test_htmx_gets_the_results_alone(client, trail):
    response = client.get(URL + "?kind=group_edited", headers=HTMX)
    assert response.text.lstrip().startswith('<div id="activity-results"')
    assert kinds_shown(response.text) == ["Group edited"]


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("?person=ann@example.com", ["Member added", "Group edited", "Group created", "Signed in"]),
        ("?person=mallory@example.com", ["Failed sign-in"]),
        ("?kind=group_created", ["Group created", "Group created"]),
        ("?type=user", ["Member added"]),
        ("?q=other", ["Group created"]),
        ("?q=bea@", ["Member added"]),
        ("?person=ann@example.com&kind=group_created", ["Group created"]),
    ],
)
def test_filters(client, trail, query, kinds):
    assert kinds_shown(client.get(URL + query).text) == kinds


def test_filter_by_object_matches_it_as_either_object(client, trail, make):
    _, group_id = trail
    html = client.get(f"{URL}?object=group:{group_id}").text
    assert kinds_shown(html) == ["Member added", "Group edited", "Group created"]
    assert "Only activity about group “Acme Corp”." in html
    user_id = db.session.scalar(select(Activity.related_id).filter_by(kind="member_added"))
    assert kinds_shown(client.get(f"{URL}?object=user:{user_id}").text) == ["Member added"]


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("?kind=nonsense", "That is not a kind of activity the trail records"),
        ("?type=planet", "That is not a kind of object"),
        ("?object=group:abc", "That is not an object the trail names"),
        ("?object=planet:1", "That is not an object the trail names"),
        ("?page=-1", "is not a page number"),
    ],
)
def test_bad_filters_say_so_and_show_everything(client, trail, query, notice):
    response = client.get(URL + query)
    assert response.status_code == 200
    assert notice in response.text
    assert len(kinds_shown(response.text)) == 6


def test_nothing_matching_says_so(client, trail):
    html = client.get(URL + "?q=zzz").text
    assert "No activity matches the filters." in html


def test_pages_of_fifty(client, admin, make):
    for number in range(60):
        make.group(f"G{number:02}")
    first = client.get(URL).text
    assert len(rows_shown(first)) == 50
    assert f"Showing 1{DASH}50 of 61 records" in first
    second = client.get(URL + "?page=2").text
    assert len(rows_shown(second)) == 11
    assert set(rows_shown(first)).isdisjoint(rows_shown(second))
    assert max(rows_shown(second)) < min(rows_shown(first))


# --- CSV --------------------------------------------------------------------------------------


def test_the_csv_is_the_filtered_list_streamed_and_safe(client, admin, make):
    make.group('=HYPERLINK("http://evil")')
    make.group("+Plain, with a comma")
    client.post("/admin/groups/", data={"name": "@Mine"}, headers=HTMX)
    response = client.get(URL + "export.csv?kind=group_created")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="activity-filtered.csv"'
    header, *rows = read_csv(response)
    assert header == [
        "time_utc",
        "who",
        "ip",
        "kind",
        "object_type",
        "object_id",
        "object",
        "also",
        "changes",
    ]
    assert [row[6] for row in rows] == [
        "'@Mine",
        "'+Plain, with a comma",
        '\'=HYPERLINK("http://evil")',
    ]
    assert rows[0][1:4] == [admin.email, "127.0.0.1", "Group created"]
    assert rows[0][8] == "description: (none); name: @Mine"
    assert rows[1][1] == "system"
    everything = read_csv(client.get(URL + "export.csv"))
    assert len(everything) == 1 + 4  # the sign-in too
    assert (
        'filename="activity.csv"' in client.get(URL + "export.csv").headers["Content-Disposition"]
    )


# --- detail pages -----------------------------------------------------------------------------


def test_a_groups_page_shows_its_recent_activity_and_links_to_all_of_it(client, trail):
    _, group_id = trail
    html = client.get(f"/admin/groups/{group_id}").text
    section = html[html.index('<section id="recent-activity"') :]
    assert kinds_shown(section) == ["Member added", "Group edited", "Group created"]
    assert f'href="/admin/activity/?object=group:{group_id}"' in section


def test_team_and_user_pages_show_theirs(client, admin, make):
    group, team = make.group("Acme"), make.team("Globex")
    client.post(
        f"/admin/groups/{group.id}/teams",
        data={f"g{group.id}-team": "Globex", f"g{group.id}-direction": "disabled"},
        headers=HTMX,
    )
    client.post(
        f"/admin/groups/{group.id}/members", data={"email": "bea@example.com"}, headers=HTMX
    )
    team_page = client.get(f"/admin/teams/{team.id}").text
    assert kinds_shown(team_page[team_page.index('id="recent-activity"') :]) == ["Team assigned"]
    user_id = db.session.scalar(select(Activity.related_id).filter_by(kind="member_added"))
    user_page = client.get(f"/admin/users/{user_id}").text
    assert kinds_shown(user_page[user_page.index('id="recent-activity"') :]) == ["Member added"]


def test_viewers_see_no_activity_on_detail_pages(client, auth, make):
    group = make.group("Acme")
    auth.login(Role.VIEWER)
    assert 'id="recent-activity"' not in client.get(f"/admin/groups/{group.id}").text


# --- retention --------------------------------------------------------------------------------


def aged(days: int) -> Activity:
    record = Activity(kind="sign_in", actor_email="old@example.com", at=utcnow() - timedelta(days))
    db.session.add(record)
    db.session.commit()
    return record


def remaining() -> list[str]:
    db.session.expire_all()
    return sorted(str(r.at.date()) for r in db.session.scalars(select(Activity)))


def test_purge_from_the_command_line_drops_what_is_older_than_the_retention(app):
    app.config["ACTIVITY_RETENTION_DAYS"] = 30
    keep, recent = aged(29), aged(1)
    aged(31), aged(400)
    result = app.test_cli_runner().invoke(args=["activity", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 2 activity records older than 30 days." in result.output
    assert remaining() == sorted(str(r.at.date()) for r in (keep, recent))
    result = app.test_cli_runner().invoke(args=["activity", "purge", "--days", "5"])
    assert "Deleted 1 activity record older than 5 days." in result.output


def test_purge_refuses_a_bad_number_of_days(app):
    aged(400)
    result = app.test_cli_runner().invoke(args=["activity", "purge", "--days", "0"])
    assert result.exit_code != 0
    assert "0 is not in the range x>=1" in result.output
    assert len(remaining()) == 1


def test_the_clocks_daily_purge_uses_the_configured_retention(app):
    aged(364), aged(366)
    assert purge_activity() == "purged 1 activity records"
    assert len(remaining()) == 1
