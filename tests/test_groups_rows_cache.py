"""The Groups table's rows are kept between requests, and never shown stale: each thing a row
shows, changed by whatever code path, shows on the very next request (page and fragment)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Group, Role, SyncState
from dashboard.runs.lifecycle import queue_groups
from dashboard.sync.store import recount_members
from tests.fixtures.app import HTMX
from tests.querycount import count_queries

URL = "/admin/groups/"


def row(client, group: Group, headers=None) -> str:
    """The cells of the group's row, as text, as a browser shows them."""
    html = client.get(URL, headers=headers or {}).text
    found = re.search(rf'<tbody id="group-{group.id}".*?</tbody>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip() if found else ""


@pytest.fixture
def group(make):
    group = make.group("Kestrel Sales", thinkific_id=4711, token="tok1")
    make.member(group)
    return group


@pytest.fixture(params=[{}, HTMX], ids=["page", "fragment"])
def headers(request):
    return request.param


def test_an_unchanged_page_is_drawn_once_and_read_from_the_cache(client, auth, group):
    auth.login()
    client.get(URL, headers=HTMX)
    with count_queries() as statements:
        again = client.get(URL, headers=HTMX)
    assert "Kestrel Sales" in again.text
    assert len(statements) == 1  # the count and the data version; no page of rows
    assert "data_versions" in statements[0]


def test_a_renamed_group_shows_its_new_name_at_once(client, auth, group, headers):
    auth.login()
    assert "Kestrel Sales" in row(client, group, headers)
    group.name, group.name_key = "Kestrel Marketing", "kestrel marketing"  # as a sync renames
    db.session.commit()
    assert "Kestrel Marketing" in row(client, group, headers)


def test_a_new_token_and_thinkific_id_show_at_once(client, auth, group, headers):
    auth.login()
    assert "tok1" in row(client, group, headers)
    group.token, group.thinkific_id = "tok2", 9999
    db.session.commit()
    cells = row(client, group, headers)
    assert "tok2" in cells
    assert "9999" in cells


def test_teams_and_users_counts_show_at_once(client, auth, make, group, headers):
    auth.login()
    assert row(client, group, headers).startswith("Kestrel Sales tok1 4711 0 1 ")
    make.assignment(group)
    make.member(group)
    assert row(client, group, headers).startswith("Kestrel Sales tok1 4711 1 2 ")


def test_a_count_written_by_an_update_statement_shows_at_once(client, auth, make, group, headers):
    auth.login()
    make.member(group)
    db.session.execute(update(Group).where(Group.id == group.id).values(users_count=0))
    db.session.commit()
    assert " 4711 0 0 " in row(client, group, headers)
    recount_members(group, [])  # counts again, by an UPDATE statement
    db.session.commit()
    assert " 4711 0 2 " in row(client, group, headers)


def test_a_status_change_shows_at_once(client, auth, make, group, headers):
    auth.login()
    make.assignment(group)
    assert "Queued" not in row(client, group, headers)
    queue_groups([group.id])  # an UPDATE statement
    db.session.commit()
    assert "Queued" in row(client, group, headers)
    db.session.refresh(group)
    group.sync_state, group.last_error = SyncState.ERROR, "Thinkific said no"
    db.session.commit()
    assert "Error" in row(client, group, headers)


def test_created_and_deleted_groups_show_at_once(client, auth, make, group, headers):
    auth.login()
    assert "1 group." in client.get(URL, headers=headers).text
    other = make.group("Kestrel Ops")
    assert "2 groups." in client.get(URL, headers=headers).text
    service.delete_group(other)
    db.session.commit()
    assert "1 group." in client.get(URL, headers=headers).text


def test_a_rolled_back_change_shows_nothing_new(client, auth, group):
    auth.login()
    group.name = "Never Saved"
    db.session.flush()
    db.session.rollback()
    assert "Never Saved" not in row(client, group)
    assert "Kestrel Sales" in row(client, group)


def test_viewers_and_admins_each_see_their_own_rows(client, auth, group):
    auth.login()
    assert "Quick Assign Team" in client.get(URL).text
    auth.logout()
    auth.login(role=Role.VIEWER)
    assert "Quick Assign Team" not in client.get(URL).text
