"""Creating a group from the Groups page, in place."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Group, Role
from tests.fixtures.app import HTMX

URL = "/admin/groups/"


def test_create_over_htmx_adds_the_row_in_place(client, auth, make):
    auth.login()
    make.group("Existing")
    data = {"name": "  New   Group ", "description": "Sales team"}
    response = client.post(URL, data=data, headers=HTMX)
    assert response.status_code == 200
    assert "<html" not in response.text
    group = db.session.scalar(select(Group).filter_by(name="New Group"))
    assert group.description == "Sales team"
    assert '<details id="group-new"' in response.text  # a fresh form
    assert '<hx-partial hx-target="#groups-table &gt; thead" hx-swap="afterend">' in response.text
    assert f'<tbody id="group-{group.id}" class="group is-new"' in response.text
    assert "Created the group “New Group”." in response.text  # the flash rides along


def test_create_without_htmx_goes_to_the_new_group(client, auth):
    auth.login()
    response = client.post(URL, data={"name": "Plain"})
    group = db.session.scalar(select(Group).filter_by(name="Plain"))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/groups/{group.id}"


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Give the group a name."),
        ("   ", "Give the group a name."),
        ("x" * 256, "A group name can have at most 255 characters."),
        ("acme SALES", "A group named “acme SALES” already exists (names ignore case)."),
        ("Null\x00byte", "Remove the invisible control characters"),
        ("\u202eevil\u202c name", "text-direction overrides"),
        ("exe.\u2067txt\u2069", "text-direction overrides"),
    ],
)
def test_create_refuses_bad_names_inline(client, auth, make, name, error):
    auth.login()
    make.group("Acme Sales")
    response = client.post(URL, data={"name": name}, headers=HTMX)
    assert response.status_code == 422
    assert error in response.text
    assert 'aria-invalid="true"' in response.text
    assert "<html" not in response.text
    assert db.session.scalar(select(db.func.count()).select_from(Group)) == 1


def test_create_refusal_without_htmx_is_the_page_with_the_error(client, auth):
    auth.login()
    response = client.post(URL, data={"name": ""})
    assert response.status_code == 422
    assert "<html" in response.text
    assert "Give the group a name." in response.text


def test_overlong_description_is_refused(client, auth):
    auth.login()
    response = client.post(URL, data={"name": "Ok", "description": "d" * 2001}, headers=HTMX)
    assert response.status_code == 422
    assert "A description can have at most 2000 characters." in response.text


@pytest.mark.parametrize(
    "name",
    [
        "<script>alert('x')</script>",
        "Ünïcode 🚀 Team",
        "👩\u200d💻 Developers",
        "فريق المبيعات",
        "\u200fצוות מכירות",  # noqa: RUF001 (Hebrew, as typed)
        "a\"b'c&d",
    ],
)
def test_hostile_and_unicode_names_are_kept_and_escaped(client, auth, name):
    auth.login()
    response = client.post(URL, data={"name": name}, headers=HTMX)
    assert response.status_code == 200
    stored = db.session.scalar(select(Group.name).order_by(Group.id.desc()))
    assert stored == name
    assert "<script>alert" not in client.get(URL).text


def test_viewer_cannot_create(client, auth):
    auth.login(Role.VIEWER)
    response = client.post(URL, data={"name": "Nope"}, headers=HTMX)
    assert response.status_code == 403
    assert db.session.scalar(select(db.func.count()).select_from(Group)) == 0
