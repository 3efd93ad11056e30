"""Teams in Chromium: what an admin does all day, in place, without a page reload."""

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.extensions import db
from dashboard.models import Course, Direction, Role

pytestmark = pytest.mark.e2e


def mark_page(page: Page) -> None:
    """Leave a marker in the window: it survives htmx swaps and dies with a reload."""
    page.evaluate("window.notReloaded = true")


def expect_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.notReloaded === true")


def test_create_a_team_and_see_it_in_the_list(page, sign_in, make):
    sign_in()
    make.team("Globex")
    page.goto("/admin/teams/")
    mark_page(page)
    page.get_by_role("button", name="New team").click()
    page.get_by_label("Name", exact=True).fill("Acme <Corp>")
    page.get_by_label("Seat limit").fill("25")
    page.get_by_role("button", name="Create team").click()
    row = page.locator("#teams-rows tr", has_text="Acme <Corp>")
    expect(row).to_be_visible()
    expect(row).to_contain_text("0 / 25")
    expect(page.locator("#flashes")).to_contain_text("Created the team “Acme <Corp>”.")
    expect(page.get_by_role("button", name="Create team")).to_be_hidden()
    expect_not_reloaded(page)


def test_create_refuses_a_duplicate_name_inline(page, sign_in, make):
    sign_in()
    make.team("Acme")
    page.goto("/admin/teams/")
    page.get_by_role("button", name="New team").click()
    page.get_by_label("Name", exact=True).fill("ACME")
    page.get_by_role("button", name="Create team").click()
    expect(page.locator(".field-error")).to_contain_text("already exists")
    expect(page.get_by_label("Name", exact=True)).to_have_attribute("aria-invalid", "true")


def test_edit_a_team_row_in_place(page, sign_in, make):
    sign_in()
    make.team("Acme")
    page.goto("/admin/teams/")
    mark_page(page)
    page.locator("#teams-rows tr", has_text="Acme").get_by_role("button", name="Edit").click()
    form = page.locator("#teams-rows tr.inline-form")
    form.get_by_label("Name", exact=True).fill("Acme Worldwide")
    form.get_by_role("button", name="Save").click()
    expect(page.locator("#teams-rows")).to_contain_text("Acme Worldwide")
    expect(page.get_by_role("button", name="Save")).to_be_hidden()
    expect_not_reloaded(page)


def test_edit_a_team_configuration_in_place(page, sign_in, make):
    sign_in()
    team = make.team("Acme")
    db.session.add_all(
        [Course(name="Basics", thinkific_id=1), Course(name="Advanced", thinkific_id=2)]
    )
    db.session.commit()
    page.goto(f"/admin/teams/{team.id}")
    mark_page(page)
    configuration = page.locator("#team-configuration")
    expect(configuration).to_contain_text("No courses chosen yet.")
    configuration.get_by_role("button", name="Edit configuration").click()
    configuration.get_by_label("Basics").check()
    configuration.get_by_label("Seat limit").fill("5")
    configuration.get_by_label("Access ends on").fill("2031-06-30")
    configuration.get_by_role("button", name="Save configuration").click()
    expect(configuration.locator("#team-courses")).to_have_text(re.compile(r"^\s*Basics\s*$"))
    expect(configuration.locator("#team-seats")).to_contain_text("0 of 5 used")
    expect(configuration.locator("#team-access")).to_contain_text("2031-06-30")
    expect_not_reloaded(page)


def test_configuration_says_when_no_courses_are_known(page, sign_in, make):
    sign_in()
    team = make.team("Acme")
    page.goto(f"/admin/teams/{team.id}")
    page.get_by_role("button", name="Edit configuration").click()
    expect(page.locator("#team-configuration")).to_contain_text("No courses known yet")


def test_team_page_shows_the_users_of_its_groups(page, sign_in, make):
    sign_in()
    team = make.team("Acme")
    north, south = make.group("North"), make.group("South")
    make.assignment(north, team, Direction.BIDIRECTIONAL)
    make.assignment(south, team, Direction.THINKIFIC_TO_DASHBOARD)
    ann = make.member(north, make.user("ann@acme.com", first_name="Ann"))
    make.member(south, ann)
    make.member(south, make.user("bob@acme.com", first_name="Bob"))
    make.member(make.group("Elsewhere"), make.user("zed@other.com"))
    page.goto(f"/admin/teams/{team.id}")
    groups = page.locator("#team-groups")
    expect(groups.locator("tbody tr")).to_have_count(2)
    expect(groups).to_contain_text("Thinkific-to-Dashboard")
    users = page.locator("#team-users")
    expect(users.locator("tbody tr")).to_have_count(2)
    expect(users.locator("tr", has_text="ann@acme.com")).to_contain_text("North, South")
    page.get_by_label("Search this team's users").fill("bob")
    expect(users.locator("tbody tr")).to_have_count(1)
    expect(users).to_contain_text("bob@acme.com")
    users.get_by_role("link", name="bob@acme.com").click()
    expect(page.get_by_role("heading", name="Bob")).to_be_visible()


def test_viewer_sees_no_mutating_buttons(page, sign_in, make):
    team = make.team("Acme")
    sign_in(Role.VIEWER)
    page.goto("/admin/teams/")
    expect(page.locator("#teams-rows")).to_contain_text("Acme")
    expect(page.get_by_role("button", name="New team")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    page.goto(f"/admin/teams/{team.id}")
    expect(page.get_by_role("heading", name="Acme")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(1)  # "Sign out" only
