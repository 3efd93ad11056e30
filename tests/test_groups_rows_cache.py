"""The Groups table's rows are kept between requests, and never shown stale: each thing a row
shows, changed by whatever code path, shows on the very next request (page and fragment)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from dashboard import create_app
from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Group, Role, SyncState
from dashboard.runs.lifecycle import queue_groups
from dashboard.sync.store import recount_members
from tests.fixtures.app import HTMX, PASSWORD
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
    assert len(statements) == 1  # the data version alone: no count, no page of rows
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


# The whole page is kept too: all that differs from one request to the next is the CSRF token.
TOKEN = re.compile(r'name="csrf_token"[^>]* value="([^"]+)"')


def signed_in(app, make, email: str, role=Role.ADMIN):
    client = app.test_client()
    make.account(role=role, email=email)
    page = client.get("/login").text
    form = {"email": email, "password": PASSWORD, "csrf_token": TOKEN.search(page)[1]}
    assert client.post("/login", data=form).status_code == 302
    return client


@pytest.fixture
def csrf_app(app_config):
    return create_app({**app_config, "WTF_CSRF_ENABLED": True})


def test_a_kept_page_carries_each_visitors_own_token_and_name(csrf_app, make, group):
    ann, bob = (
        signed_in(csrf_app, make, "ann@example.com"),
        signed_in(csrf_app, make, "bob@example.com"),
    )
    pages = [ann.get(URL).text, bob.get(URL).text, ann.get(URL).text, bob.get(URL).text]
    assert "ann@example.com" in pages[2]
    assert "bob@example.com" not in pages[2]
    assert "bob@example.com" in pages[3]
    assert "ann@example.com" not in pages[3]
    tokens = [set(TOKEN.findall(page)) for page in pages]
    assert all(len(found) == 1 for found in tokens)  # one token per page, in every form
    assert tokens[0] != tokens[1]
    # A form of the page Ann was sent again works, with her own token.
    form = {"name": "Kestrel Support", "description": "", "csrf_token": tokens[2].pop()}
    assert ann.post(URL, data=form).status_code == 303
    assert "Kestrel Support" in bob.get(URL).text


def test_a_viewer_is_never_sent_the_page_kept_for_an_admin(csrf_app, make, group):
    admin = signed_in(csrf_app, make, "ann@example.com")
    viewer = signed_in(csrf_app, make, "vic@example.com", Role.VIEWER)
    assert "Sync Groups" in admin.get(URL).text
    page = viewer.get(URL).text
    assert "Kestrel Sales" in page
    assert "Sync Groups" not in page
    assert "New group" not in page


def test_a_message_shows_once_on_the_page_after_a_change(csrf_app, make, group):
    ann = signed_in(csrf_app, make, "ann@example.com")
    ann.get(URL)
    form = {
        "name": "Kestrel Support",
        "description": "",
        "csrf_token": TOKEN.search(ann.get(URL).text)[1],
    }
    assert ann.post(URL, data=form).status_code == 303
    assert "Created the group “Kestrel Support”." in ann.get(URL).text
    assert "Created the group" not in ann.get(URL).text
