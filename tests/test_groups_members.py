"""A group's members on its detail page: search, paginate, add, remove, and pull-only groups."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Direction, Group, Membership, MemberSource, User
from tests.fixtures.app import HTMX


def url(group: Group, tail: str = "") -> str:
    return f"/admin/groups/{group.id}{tail}"


def emails(html: str) -> list[str]:
    return re.findall(r'<tr id="member-\d+">\s*<td><a href="/admin/users/\d+">([^<]*)</a>', html)


def members_of(group: Group) -> list[str]:
    statement = (
        select(User.email).join(Membership).where(Membership.group_id == group.id).order_by(User.id)
    )
    return list(db.session.scalars(statement))


@pytest.fixture
def group(make):
    return make.group("Acme")


# --- listing ----------------------------------------------------------------------------------


def test_members_newest_first_with_source_and_who_added_them(client, auth, make, group):
    account = auth.login()
    make.member(group, make.user("old@example.com"), source=MemberSource.THINKIFIC)
    client.post(url(group, "/members"), data={"email": "new@example.com"})
    html = client.get(url(group)).text
    assert emails(html) == ["new@example.com", "old@example.com"]
    assert f"by {account.email}" in html
    assert "Thinkific</span>" in html
    assert "2 members." in html


def test_search_members_returns_the_list_fragment(client, auth, make, group):
    auth.login()
    make.member(group, make.user("ann@example.com", first_name="Ann", last_name="Lee"))
    make.member(group, make.user("bob@example.com", first_name="Bob", last_name="Stone"))
    response = client.get(url(group), query_string={"q": "lee"}, headers=HTMX)
    assert response.text.strip().startswith('<div id="member-list">')
    assert emails(response.text) == ["ann@example.com"]
    assert "1 member whose email or name contains “<bdi>lee</bdi>”." in response.text
    by_email = client.get(url(group), query_string={"q": "BOB@"}, headers=HTMX).text
    assert emails(by_email) == ["bob@example.com"]


def test_search_with_no_match_says_so(client, auth, make, group):
    auth.login()
    make.member(group)
    html = client.get(url(group), query_string={"q": "zzz"}).text
    assert "No member's email or name contains “<bdi>zzz</bdi>”." in html


def test_members_paginate_and_keep_the_search(client, auth, make, group):
    auth.login()
    for n in range(30):
        make.member(group, make.user(f"m{n:02}@example.com"))
    first = client.get(url(group)).text
    assert len(emails(first)) == 25
    assert f'href="{url(group)}?page=2"' in first
    second = client.get(url(group), query_string={"q": "example", "page": "2"}, headers=HTMX)
    assert emails(second.text) == [f"m{n:02}@example.com" for n in range(4, -1, -1)]
    assert f'href="{url(group)}?q=example"' in second.text  # back to page 1, same search


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"page": "x"}, "“x” is not a page number; showing page 1."),
        ({"page": "4"}, "There is no page 4; showing the last page, 1."),
    ],
)
def test_bad_member_query_strings_fall_back(client, auth, make, group, query, notice):
    auth.login()
    make.member(group)
    response = client.get(url(group), query_string=query)
    assert response.status_code == 200
    assert notice in response.text


# --- add --------------------------------------------------------------------------------------


def test_add_an_existing_user(client, auth, make, group):
    account = auth.login()
    user = make.user("ann@example.com")
    response = client.post(
        url(group, "/members"), data={"email": " Ann@Example.com "}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.text
    assert html.strip().startswith('<div id="member-add"')
    assert 'value=""' in html  # the form is empty again, ready for the next one
    assert '<hx-partial hx-target="#member-list" hx-swap="outerHTML">' in html
    assert emails(html) == ["ann@example.com"]
    assert "Added ann@example.com to Acme." in html
    membership = db.session.scalar(select(Membership))
    assert (membership.user_id, membership.source, membership.added_by_id) == (
        user.id,
        MemberSource.DASHBOARD,
        account.id,
    )
    assert db.session.get(Group, group.id).users_count == 1


def test_add_a_new_user_with_a_name(client, auth, group):
    auth.login()
    data = {"email": "new@example.com", "first_name": " Zoë ", "last_name": "Ørsted"}
    client.post(url(group, "/members"), data=data, headers=HTMX)
    user = db.session.scalar(select(User))
    assert (user.email, user.first_name, user.last_name) == ("new@example.com", "Zoë", "Ørsted")


def test_add_without_htmx_goes_back_to_the_page(client, auth, group):
    auth.login()
    response = client.post(url(group, "/members"), data={"email": "x@example.com"})
    assert response.status_code == 303
    assert response.headers["Location"] == url(group)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": ""}, "Give the member&#39;s email address."),
        ({"email": "not-an-email"}, "is not a valid email address"),
        ({"email": "<script>@x"}, "is not a valid email address"),
        ({"email": "a" * 250 + "@example.com"}, "at most 254 characters"),
        ({"email": "ok@example.com", "first_name": "x" * 101}, "At most 100 characters."),
        (
            {"email": "ok@example.com", "last_name": "bad\x00name"},
            "Remove the invisible control characters",
        ),
    ],
)
def test_bad_member_input_is_refused_inline(client, auth, group, data, error):
    auth.login()
    response = client.post(url(group, "/members"), data=data, headers=HTMX)
    assert response.status_code == 422
    assert response.text.strip().startswith('<div id="member-add"')
    assert error in response.text
    assert "<script>" not in response.text
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.get(Group, group.id).users_count == 0


def test_adding_a_member_twice_is_refused_inline(client, auth, make, group):
    auth.login()
    make.member(group, make.user("ann@example.com"))
    response = client.post(url(group, "/members"), data={"email": "ann@example.com"}, headers=HTMX)
    assert response.status_code == 422
    assert "ann@example.com is already a member of Acme." in response.text
    assert db.session.get(Group, group.id).users_count == 1


def test_add_errors_without_htmx_show_the_page(client, auth, group):
    auth.login()
    response = client.post(url(group, "/members"), data={"email": "nope"})
    assert response.status_code == 422
    assert "<html" in response.text
    assert "is not a valid email address" in response.text


# --- remove -----------------------------------------------------------------------------------


def test_remove_a_member_in_place_keeping_search_and_page(client, auth, make, group):
    auth.login()
    ann = make.member(group, make.user("ann@example.com"))
    make.member(group, make.user("anna@example.com"))
    make.member(group, make.user("bob@example.com"))
    html = client.get(url(group), query_string={"q": "ann"}).text
    assert f'action="{url(group)}/members/{ann.id}/remove?q=ann"' in html
    response = client.post(url(group, f"/members/{ann.id}/remove?q=ann"), headers=HTMX)
    assert response.status_code == 200
    assert response.text.strip().startswith('<div id="member-list">')
    assert emails(response.text) == ["anna@example.com"]
    assert "Removed ann@example.com from Acme." in response.text
    assert members_of(group) == ["anna@example.com", "bob@example.com"]
    assert db.session.get(Group, group.id).users_count == 2
    assert db.session.get(User, ann.id) is not None  # the user stays; only the membership goes


def test_remove_asks_for_confirmation(client, auth, make, group):
    auth.login()
    make.member(group, make.user("ann@example.com"))
    confirm = "Remove ann@example.com from Acme? They lose the access its teams give."
    assert f'hx-confirm="{confirm}"' in client.get(url(group)).text


def test_removing_someone_already_gone_just_refreshes_the_list(client, auth, make, group):
    auth.login()
    user = make.user("ann@example.com")
    response = client.post(url(group, f"/members/{user.id}/remove"), headers=HTMX)
    assert response.status_code == 200
    assert "ann@example.com is not a member of Acme." in response.text
    assert db.session.get(Group, group.id).users_count == 0


def test_remove_without_htmx_goes_back_to_the_same_list(client, auth, make, group):
    auth.login()
    user = make.member(group)
    response = client.post(url(group, f"/members/{user.id}/remove?q=learner&page=1"))
    assert response.status_code == 303
    assert response.headers["Location"] == url(group) + "?q=learner"


# --- pull-only groups -------------------------------------------------------------------------


@pytest.fixture
def pull_only(make, group):
    make.assignment(group, make.team("Globex"), Direction.THINKIFIC_TO_DASHBOARD)
    make.member(group, make.user("ann@example.com"), source=MemberSource.THINKIFIC)
    return group


def test_pull_only_group_says_where_to_edit_members(client, auth, pull_only):
    auth.login()
    html = client.get(url(pull_only)).text
    assert "Thinkific is the source of truth for this group&#39;s members" in html
    assert "in your Thinkific admin (Groups, then “Acme”)" in html
    assert "Add member" not in html
    assert ">Remove<" not in html
    assert "ann@example.com" in html


def test_pull_only_group_refuses_member_edits(client, auth, make, pull_only):
    auth.login()
    ann = db.session.scalar(select(User).filter_by(email="ann@example.com"))
    added = client.post(url(pull_only, "/members"), data={"email": "x@example.com"}, headers=HTMX)
    removed = client.post(url(pull_only, f"/members/{ann.id}/remove"), headers=HTMX)
    for response in (added, removed):
        assert response.status_code == 409
        assert response.headers["HX-Reswap"] == "none"
        assert "Thinkific is the source of truth" in response.text
    assert members_of(pull_only) == ["ann@example.com"]


def test_a_pushing_link_alongside_a_pulling_one_allows_edits(client, auth, make, pull_only):
    auth.login()
    make.assignment(pull_only, make.team("Initech"), Direction.DASHBOARD_TO_THINKIFIC)
    assert "Add member" in client.get(url(pull_only)).text
