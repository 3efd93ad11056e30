"""Users in Chromium: search as you type, create with inline errors, a user's page."""

import re

import pytest
from playwright.sync_api import expect

from dashboard.models import Direction, MemberSource, Role

pytestmark = pytest.mark.e2e


def test_search_users_as_you_type(page, sign_in, make):
    sign_in()
    make.user("ann@acme.com", first_name="Ann", last_name="Lee")
    make.user("bob@globex.org", first_name="Bob", last_name="Ström")
    make.user("carol@acme.com", first_name="Carol")
    page.goto("/admin/users/")
    rows = page.locator("#users-rows tr:not(.empty)")
    expect(rows).to_have_count(3)
    page.get_by_label("Search users").press_sequentially("acme")
    expect(rows).to_have_count(2)
    expect(page).to_have_url(re.compile(r"q=acme"))
    page.get_by_label("Search users").fill("ström")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("bob@globex.org")
    page.get_by_label("Search users").fill("nobody")
    expect(page.locator("#users-rows")).to_contain_text(
        "No user's email or name contains “nobody”."
    )
    page.reload()
    expect(page.get_by_label("Search users")).to_have_value("nobody")


def test_sort_keeps_the_search_and_survives_a_reload(page, sign_in, make):
    sign_in()
    make.user("a@acme.com", last_name="Zed")
    make.user("b@acme.com", last_name="Adams")
    make.user("c@globex.org", last_name="Moss")
    page.goto("/admin/users/?q=acme")
    rows = page.locator("#users-rows tr:not(.empty)")
    page.get_by_role("link", name="Name").click()
    expect(rows.first).to_contain_text("b@acme.com")
    expect(page).to_have_url(re.compile(r"sort=name"))
    page.get_by_label("Search users").fill("acm")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("b@acme.com")
    page.reload()
    expect(rows.first).to_contain_text("b@acme.com")


def test_create_a_user_with_a_duplicate_email_shows_the_error_inline(page, sign_in, make):
    sign_in()
    make.user("ann@example.com")
    page.goto("/admin/users/")
    page.get_by_role("button", name="New user").click()
    page.get_by_label("Email", exact=True).fill("ANN@example.com")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#new-email-error")).to_have_text(
        "A user with the email ann@example.com already exists."
    )
    page.get_by_label("Email", exact=True).fill("bea@example.com")
    page.get_by_label("First name").fill("Bea")
    page.get_by_role("button", name="Create user").click()
    expect(page.locator("#users-rows tr", has_text="bea@example.com")).to_contain_text("Bea")


def test_user_page_shows_their_groups_and_teams(page, sign_in, make):
    sign_in()
    acme = make.team("Acme")
    north = make.group("North")
    make.assignment(north, acme, Direction.DASHBOARD_TO_THINKIFIC)
    ann = make.member(north, make.user("ann@example.com", first_name="Ann"), MemberSource.CSV)
    page.goto("/admin/users/")
    page.get_by_role("link", name="ann@example.com").click()
    expect(page.get_by_role("heading", name="Ann")).to_be_visible()
    expect(page.locator("#user-groups tr", has_text="North")).to_contain_text("Csv")
    team_row = page.locator("#user-teams tr", has_text="Acme")
    expect(team_row).to_contain_text("North (Dashboard-to-Thinkific)")
    team_row.get_by_role("link", name="Acme").click()
    expect(page).to_have_url(re.compile(rf"/admin/teams/{acme.id}$"))
    del ann


def test_edit_a_user_in_place(page, sign_in, make):
    sign_in()
    user = make.user("ann@example.com", first_name="Ann")
    page.goto(f"/admin/users/{user.id}")
    page.get_by_role("button", name="Edit user").click()
    page.get_by_label("Last name").fill("Lee")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Ann Lee")).to_be_visible()
    expect(page.locator("#flashes")).to_contain_text("Saved the user ann@example.com.")


def test_viewer_sees_no_mutating_buttons(page, sign_in, make):
    user = make.user("ann@example.com")
    sign_in(Role.VIEWER)
    page.goto("/admin/users/")
    expect(page.locator("#users-rows")).to_contain_text("ann@example.com")
    expect(page.get_by_role("button", name="New user")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    page.goto(f"/admin/users/{user.id}")
    expect(page.get_by_role("button")).to_have_count(1)  # "Sign out" only
