"""The Groups table: columns, search, sort, pagination, bad query strings, SQL cost, creating."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from dashboard.extensions import db
from dashboard.groups.status import STATUS_ORDER, group_status, status_rank
from dashboard.models import Direction, Group, Role, SyncState
from tests.fixtures.app import HTMX

URL = "/admin/groups/"


def group_ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tbody id="group-(\d+)"', html)]


def names(html: str) -> list[str]:
    return re.findall(r'<a href="/admin/groups/\d+">([^<]*)</a>', html)


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


# --- the page ---------------------------------------------------------------------------------


def test_page_shows_the_columns_in_order(client, auth, make):
    auth.login()
    group = make.group("Acme Sales", thinkific_id=4242, token="c2395613")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    make.member(group)
    make.member(group)
    html = client.get(URL).text
    headers = re.findall(r'hx-push-url="true">([^<]+)<', html)
    assert headers == ["Name", "Token", "Thinkific ID", "Teams", "Users", "Status"]
    row = re.search(r'<tbody id="group-\d+".*?</tbody>', html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert "Acme Sales" in cells[0]
    assert "c2395613" in cells[1]
    assert cells[2:5] == ["4242", "1", "2"]
    assert "Active (pending sync)" in cells[5]


def test_status_badges_tell_linked_from_unlinked(client, auth, make):
    auth.login()
    make.group("Loose")
    linked = make.group("Linked")
    make.assignment(linked, direction=Direction.THINKIFIC_TO_DASHBOARD)
    off = make.group("Off")
    make.assignment(off, direction=Direction.DISABLED)
    html = client.get(URL).text
    badges = dict(
        re.findall(
            r'<a href="/admin/groups/\d+">([^<]*)</a>.*?<span class="badge badge--\w+" '
            r'title="[^"]*">([^<]*)</span>',
            html,
            re.S,
        )
    )
    assert badges == {"Linked": "Active (pending sync)", "Loose": "Not synced", "Off": "Not synced"}


def test_htmx_search_returns_the_results_fragment_not_a_page(client, auth, make):
    auth.login()
    make.group("Acme")
    response = client.get(URL + "?q=acme", headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.strip().startswith('<div id="groups-results" class="results">')
    assert 'id="groups-search"' not in response.text  # the search box keeps its focus


def test_plain_request_gets_the_whole_page(client, auth, make):
    auth.login()
    make.group("Acme")
    response = client.get(URL + "?q=acme")
    assert "<html" in response.text
    assert 'value="acme"' in response.text


def test_admin_sees_create_sync_and_quick_assign(client, auth, make):
    auth.login()
    make.group()
    html = client.get(URL).text
    assert "New group" in html
    assert "Sync Groups" in html
    assert "Quick Assign Team" in html


def test_viewer_sees_the_table_without_mutating_buttons(client, auth, make):
    auth.login(Role.VIEWER)
    make.group("Acme")
    html = client.get(URL).text
    assert "Acme" in html
    for button in ("New group", "Sync Groups", "Quick Assign Team", "hx-post"):
        assert button not in html


def test_empty_state_says_what_to_do(client, auth):
    auth.login()
    assert "No groups yet. Create one with <strong>New group</strong>" in client.get(URL).text


def test_viewer_empty_state_does_not_promise_buttons(client, auth):
    auth.login(Role.VIEWER)
    assert "An admin can create them" in client.get(URL).text


# --- search -----------------------------------------------------------------------------------


def test_search_matches_names_anywhere_ignoring_case(client, auth, make):
    auth.login()
    for name in ("Acme Sales", "Globex", "sales ops", "Initech"):
        make.group(name)
    html = client.get(URL + "?q=SALES").text
    assert names(html) == ["Acme Sales", "sales ops"]
    assert "2 groups whose name contains “<bdi>SALES</bdi>”" in html


def test_search_treats_wildcards_literally(client, auth, make):
    auth.login()
    for name in ("100% Club", "1000 Club", "a_b", "axb"):
        make.group(name)
    assert names(client.get(URL, query_string={"q": "100%"}).text) == ["100% Club"]
    assert names(client.get(URL, query_string={"q": "a_b"}).text) == ["a_b"]


def test_search_with_no_match_offers_to_clear_it(client, auth, make):
    auth.login()
    make.group("Acme")
    html = client.get(URL + "?q=zzz&sort=users&dir=asc").text
    assert "No group name contains “<bdi>zzz</bdi>”" in html
    assert 'href="/admin/groups/?sort=users&amp;dir=asc">Clear the search' in html


def test_search_keeps_the_sort_for_the_next_keystroke(client, auth, make):
    auth.login()
    make.group()
    html = client.get(URL + "?sort=users&dir=asc", headers=HTMX).text
    assert '<input type="hidden" name="sort" value="users" form="groups-search">' in html
    assert '<input type="hidden" name="dir" value="asc" form="groups-search">' in html


def test_search_of_unicode_and_emoji(client, auth, make):
    auth.login()
    make.group("Ünïcode Team 🚀")
    make.group("شركة الرياض")
    make.group("Plain")
    assert names(client.get(URL, query_string={"q": "ünï"}).text) == ["Ünïcode Team 🚀"]
    assert names(client.get(URL, query_string={"q": "🚀"}).text) == ["Ünïcode Team 🚀"]
    assert names(client.get(URL, query_string={"q": "الرياض"}).text) == ["شركة الرياض"]


# --- sort -------------------------------------------------------------------------------------


@pytest.fixture
def sortable(make):
    """Four groups whose columns disagree on the order; two share every count (for ties)."""
    a = make.group("Alpha", thinkific_id=30, token="zz000000")
    b = make.group("beta", thinkific_id=10, token="aa000000")
    c = make.group("Gamma")
    d = make.group("delta")
    make.assignment(b)
    make.assignment(b)
    make.assignment(c)
    for _ in range(3):
        make.member(a)
    make.member(d)
    make.member(c)
    return {"a": a.id, "b": b.id, "c": c.id, "d": d.id}


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", "abdc"),
        ("token", "cdba"),  # empty tokens first, tie broken by id
        ("thinkific_id", "bacd"),  # groups not in Thinkific last
        ("teams", "bcda"),  # most first: desc is the default for counts; a, d tie → id desc
        ("users", "adcb"),  # c and d tie at 1 → id desc
        ("status", "bcad"),  # Active before Not synced
    ],
)
def test_each_column_sorts_in_its_default_direction(client, auth, sortable, sort, order):
    auth.login()
    html = client.get(URL, query_string={"sort": sort}).text
    assert group_ids(html) == [sortable[key] for key in order]


@pytest.mark.parametrize("sort", ["name", "token", "thinkific_id", "teams", "users", "status"])
def test_the_other_direction_reverses_the_order(client, auth, sortable, sort):
    auth.login()
    forward = group_ids(client.get(URL, query_string={"sort": sort, "dir": "asc"}).text)
    backward = group_ids(client.get(URL, query_string={"sort": sort, "dir": "desc"}).text)
    if sort == "thinkific_id":  # groups outside Thinkific stay last either way
        assert backward[:2] == forward[:2][::-1]
        assert backward[2:] == forward[2:][::-1]
    else:
        assert backward == forward[::-1]


def test_header_link_flips_the_direction_and_marks_the_column(client, auth, sortable):
    auth.login()
    html = client.get(URL + "?sort=users&dir=desc").text
    assert re.search(
        r'aria-sort="descending">\s*<a href="/admin/groups/\?sort=users&amp;dir=asc"', html
    )


def test_status_sort_in_sql_agrees_with_the_badges(app, make):
    now = datetime.now(UTC)
    states = [
        {},
        {"sync_state": SyncState.ERROR, "last_error": "boom"},
        {"sync_state": SyncState.PAUSED},
        {"sync_state": SyncState.SYNCING},
        {"sync_state": SyncState.QUEUED},
        {"last_synced_at": now},
        {"last_synced_at": now, "pending_changes": True},
        {"last_synced_at": now, "open_manual_actions": 2},
        {"deleted_in_thinkific_at": now},
    ]
    for fields in states:
        group = make.group()
        make.assignment(group)
        for key, value in fields.items():
            setattr(group, key, value)
        group.pending_changes = fields.get("pending_changes", False)
        db.session.commit()
    make.group()  # not synced
    groups = db.session.scalars(select(Group).order_by(status_rank(), Group.id)).all()
    ranks = [STATUS_ORDER.index(group_status(group).key) for group in groups]
    assert ranks == sorted(ranks)
    assert {group_status(group).key for group in groups} == set(STATUS_ORDER)


# --- pagination -------------------------------------------------------------------------------


@pytest.fixture
def many_groups(make):
    return [make.group(f"Group {n:03}").id for n in range(1, 121)]


def test_pages_hold_fifty_rows(client, auth, many_groups):
    auth.login()
    first = client.get(URL).text
    assert group_ids(first) == many_groups[:50]
    assert "Showing 1\N{EN DASH}50 of 120 groups" in first
    third = client.get(URL + "?page=3").text
    assert group_ids(third) == many_groups[100:]
    assert "Showing 101\N{EN DASH}120 of 120 groups" in third


def test_page_links_keep_search_and_sort(client, auth, many_groups):
    auth.login()
    html = client.get(URL + "?q=group&sort=name&dir=desc").text
    assert 'href="/admin/groups/?q=group&amp;sort=name&amp;dir=desc&amp;page=2"' in html
    assert 'rel="next"' in html
    page2 = client.get(URL + "?q=group&sort=name&dir=desc&page=2", headers=HTMX).text
    assert group_ids(page2) == many_groups[::-1][50:100]
    assert 'href="/admin/groups/?q=group&amp;sort=name&amp;dir=desc"' in page2  # page 1


# --- bad query strings ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"sort": "password"}, "There is no column “password” to sort by; sorted by name."),
        ({"sort": "users", "dir": "sideways"}, "“sideways” is not a sort order"),
        ({"page": "abc"}, "“abc” is not a page number; showing page 1."),
        ({"page": "-3"}, "“-3” is not a page number"),
        ({"page": "1e9"}, "“1e9” is not a page number"),
        ({"page": "99999999999999999999"}, "is not a page number"),
        ({"page": "99"}, "There is no page 99; showing the last page, 1."),
        ({"q": "x" * 500}, "The search was cut to its first 100 characters."),
    ],
)
def test_bad_query_strings_fall_back_with_a_notice(client, auth, make, query, notice):
    auth.login()
    make.group("x" * 120)
    response = client.get(URL, query_string=query)
    assert response.status_code == 200
    assert notice in response.text


def test_control_characters_in_search_are_ignored(client, auth, make):
    auth.login()
    make.group("Acme")
    response = client.get(URL, query_string={"q": "ac\x00me\x07"})
    assert response.status_code == 200
    assert names(response.text) == ["Acme"]


def test_hostile_query_values_are_escaped(client, auth):
    auth.login()
    html = client.get(URL, query_string={"q": "<script>alert(1)</script>", "sort": "<b>"}).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>" not in html


# --- cost -------------------------------------------------------------------------------------


def _fill(make, count: int) -> None:
    team = make.team()
    for n in range(count):
        group = make.group(f"Cost {n:03}")
        if n % 2:
            make.assignment(group, team)
        make.member(group)


def test_queries_per_page_do_not_grow_with_rows(client, auth, make):
    auth.login()
    _fill(make, 5)
    with counting_queries() as few:
        assert len(group_ids(client.get(URL).text)) == 5
    _fill_more = [make.group(f"More {n:03}") for n in range(45)]
    for group in _fill_more[::3]:
        make.member(group)
    with counting_queries() as many:
        assert len(group_ids(client.get(URL + "?sort=users").text)) == 50
    assert len(few) == len(many) <= 4  # with the banner of plans waiting for approval
    assert not [s for s in many if "memberships" in s or "assignments" in s]


def test_rows_are_lean(client, auth, make):
    auth.login()
    for n in range(50):
        make.group(f"Lean group {n:03}", thinkific_id=10_000 + n, token=f"t{n:07}")
    html = client.get(URL, headers=HTMX).text
    rows = re.findall(r"<tbody id=\"group-\d+\".*?</tbody>", html, re.S)
    assert len(rows) == 50
    # a few hundred bytes: its checkbox, its id for scripts, a typed button
    assert max(len(row.encode()) for row in rows) < 470


def test_fast_record_links_match_url_for(app):
    from flask import url_for

    from dashboard.urls import record_url

    with app.test_request_context("/", base_url="http://example.com/prefix"):
        for endpoint in ("groups.detail", "groups.quick_assign", "groups.row"):
            for group_id in (1, 42, 987_654_321):
                link = record_url(endpoint, group_id=group_id)
                assert link == url_for(endpoint, group_id=group_id)
        assert record_url("groups.detail", group_id=7) == "/prefix/admin/groups/7"
        assert record_url("users.detail", user_id=7) == "/prefix/admin/users/7"
        assert record_url("teams.detail", team_id=7) == "/prefix/admin/teams/7"
