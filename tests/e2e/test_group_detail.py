"""Browser flows on the group detail page: links, members, edit and delete, all in place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import insert, select

from dashboard.extensions import db
from dashboard.models import Direction, Membership, MemberSource, Role, User

pytestmark = pytest.mark.e2e
LARGE_GROUP = 1_100


def open_marked(page: Page, path: str) -> None:
    page.goto(path)
    page.evaluate("window.__noReload = true")


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__noReload") is True


def flash(page: Page, text: str):
    return page.locator("#flashes").get_by_text(text)


def test_change_direction_and_unassign_in_place(page, sign_in, make):
    group = make.group("Acme")
    make.assignment(group, make.team("Globex"), Direction.DISABLED)
    make.assignment(group, make.team("Initech"), Direction.DISABLED)
    sign_in()
    open_marked(page, f"/admin/groups/{group.id}")
    mode = page.locator("#group-mode")
    expect(mode).to_have_text(re.compile("every team link is Disabled"))
    expect(page.locator("#group-sync-status")).to_contain_text("Not synced")

    page.get_by_label("Sync direction for Globex").select_option("Thinkific-to-Dashboard")
    expect(flash(page, "Globex now syncs Thinkific-to-Dashboard.")).to_be_visible()
    expect(mode).to_have_text(re.compile(r"pulls Thinkific changes .*because of Globex"))
    expect(page.locator("#group-sync-status")).to_contain_text("Active (pending sync)")
    expect(
        page.get_by_text("Thinkific is the source of truth for this group's members")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Add member")).to_have_count(0)

    initech = page.locator("#group-teams tbody tr", has_text="Initech")
    page.once("dialog", lambda dialog: dialog.dismiss())
    initech.get_by_role("button", name="Unassign").click()
    expect(initech).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    initech.get_by_role("button", name="Unassign").click()
    expect(flash(page, "Unassigned Initech from Acme.")).to_be_visible()
    expect(page.locator("#group-teams tbody tr")).to_have_count(1)
    assert_no_reload(page)


def test_add_and_remove_members_in_place(page, sign_in, make):
    group = make.group("Acme")
    make.member(group, make.user("old@example.com"), source=MemberSource.THINKIFIC)
    sign_in()
    open_marked(page, f"/admin/groups/{group.id}")
    members = page.locator("#member-list tbody tr")
    expect(members).to_have_count(1)

    page.get_by_label("Email", exact=True).fill("new@example.com")
    page.get_by_label("First name").fill("Nia")
    page.get_by_role("button", name="Add member").click()
    expect(flash(page, "Added new@example.com to Acme.")).to_be_visible()
    expect(members).to_have_count(2)
    expect(members.first).to_contain_text("new@example.com")
    expect(members.first).to_contain_text("Nia")
    expect(page.get_by_label("Email", exact=True)).to_have_value("")
    expect(page.get_by_label("Email", exact=True)).to_be_focused()

    page.get_by_label("Email", exact=True).fill("not an email")
    page.get_by_role("button", name="Add member").click()
    expect(page.get_by_text("is not a valid email address")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    members.filter(has_text="old@example.com").get_by_role("button", name="Remove").click()
    expect(flash(page, "Removed old@example.com from Acme.")).to_be_visible()
    expect(members).to_have_count(1)
    expect(page.get_by_text("1 member.")).to_be_visible()
    assert_no_reload(page)


def test_search_members_as_you_type(page, sign_in, make):
    group = make.group("Acme")
    make.member(group, make.user("ann@example.com"))
    make.member(group, make.user("bob@example.com"))
    sign_in()
    open_marked(page, f"/admin/groups/{group.id}")
    page.get_by_role("searchbox", name="Search members by email or name").press_sequentially("bob")
    expect(page.locator("#member-list tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"\?q=bob"))
    assert_no_reload(page)


def test_rename_and_delete(page, sign_in, make):
    group = make.group("Acme")
    sign_in()
    open_marked(page, f"/admin/groups/{group.id}")
    page.get_by_role("button", name="Edit").click()
    name = page.get_by_label("Name", exact=True)
    expect(name).to_be_focused()  # htmx has set the form up (autofocus comes last)
    name.fill("Acme Corp")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Acme Corp", exact=True)).to_be_visible()
    expect(flash(page, "Saved the group “Acme Corp”.")).to_be_visible()
    assert_no_reload(page)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(re.compile(r"/admin/groups/$"))
    expect(flash(page, "Deleted the group “Acme Corp”.")).to_be_visible()
    expect(page.get_by_text("No groups yet.")).to_be_visible()


def test_viewer_sees_no_mutating_buttons(page, sign_in, make):
    group = make.group("Acme")
    make.assignment(group, make.team("Globex"), Direction.BIDIRECTIONAL)
    make.member(group, make.user("ann@example.com"))
    sign_in(Role.VIEWER)
    page.goto(f"/admin/groups/{group.id}")
    expect(page.get_by_text("ann@example.com")).to_be_visible()
    expect(page.locator("#group-teams")).to_contain_text("Bidirectional")
    expect(page.get_by_role("button")).to_have_text(["Sign out", "Preview sync"])  # Search: no JS
    expect(page.get_by_role("combobox")).to_have_count(0)


def test_a_search_most_of_a_large_groups_members_match_counts_only_so_far(page, sign_in, make):
    """A whole school's group: a search that finds most of its 1,100 members says "1,000+"
    rather than reading them all to count them, and pages on as usual."""
    group = make.group("All learners")
    db.session.execute(
        insert(User), [{"email": f"ann{n:04}@example.com"} for n in range(LARGE_GROUP)]
    )
    users = db.session.scalars(select(User.id).where(User.email.like("ann%"))).all()
    db.session.execute(
        insert(Membership),
        [{"group_id": group.id, "user_id": u, "source": MemberSource.THINKIFIC} for u in users],
    )
    group.users_count = LARGE_GROUP  # stored, as a sync stores it
    db.session.commit()
    sign_in()
    open_marked(page, f"/admin/groups/{group.id}")
    page.get_by_role("searchbox", name="Search members by email or name").press_sequentially("ann")
    members = page.locator("#member-list")
    expect(members).to_contain_text("Showing 1\N{EN DASH}25 of 1,000+ members")
    expect(members.locator("tbody tr")).to_have_count(25)
    members.get_by_role("link", name=re.compile("^Next")).click()
    expect(members).to_contain_text("Showing 26\N{EN DASH}50 of 1,000+ members")
    expect(page).to_have_url(re.compile(r"q=ann.*page=2|page=2.*q=ann"))
    assert_no_reload(page)
