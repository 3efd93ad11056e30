"""Browser flows on the Groups table: search, sort, paginate, Quick Assign Team, create."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.models import Role

pytestmark = pytest.mark.e2e


def mark_window(page: Page) -> None:
    """Put a marker on `window`: it survives only if the page never reloads."""
    page.evaluate("window.__noReload = true")


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__noReload") is True


def row(page: Page, name: str):
    return page.locator("tbody.group", has=page.get_by_role("link", name=name, exact=True))


def test_search_as_you_type_filters_and_keeps_a_deep_link(page, sign_in, make):
    for name in ("Acme Sales", "Acme Support", "Globex"):
        make.group(name)
    sign_in()
    mark_window(page)
    page.get_by_role("searchbox", name="Search groups by name").press_sequentially("acme s")
    expect(page.locator("tbody.group")).to_have_count(2)
    expect(page.get_by_text("2 groups whose name contains “acme s”.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=acme\+s"))
    assert_no_reload(page)
    page.reload()
    expect(page.locator("tbody.group")).to_have_count(2)
    expect(page.get_by_role("searchbox")).to_have_value("acme s")


def test_sort_by_users_and_back(page, sign_in, make):
    small, big = make.group("Small"), make.group("Big")
    for _ in range(3):
        make.member(big)
    make.member(small)
    make.group("Empty")
    sign_in()
    first_cell = page.locator("tbody.group td:first-child").first
    expect(first_cell).to_have_text("Big")
    mark_window(page)
    page.locator("#groups-table").get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"sort=users&dir=desc"))
    expect(first_cell).to_have_text("Big")
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Users")
    page.locator("#groups-table").get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"sort=users&dir=asc"))
    expect(first_cell).to_have_text("Empty")
    assert_no_reload(page)
    page.go_back()
    expect(page).to_have_url(re.compile(r"dir=desc"))
    expect(first_cell).to_have_text("Big")


def test_paginate_keeps_the_search(page, sign_in, make):
    for n in range(1, 61):
        make.group(f"Team group {n:02}")
    make.group("Other")
    sign_in()
    page.get_by_role("searchbox").fill("team group")
    expect(page.get_by_text("Showing 1\N{EN DASH}50 of 60 groups")).to_be_visible()
    mark_window(page)
    pages = page.get_by_role("navigation", name="Pages of groups")
    pages.get_by_role("link", name=re.compile("^Next")).click()
    expect(page.get_by_text("Showing 51\N{EN DASH}60 of 60 groups")).to_be_visible()
    expect(page.locator("tbody.group")).to_have_count(10)
    expect(page).to_have_url(re.compile(r"q=team\+group&page=2"))
    assert_no_reload(page)


def test_quick_assign_team_updates_the_row_in_place(page, sign_in, make):
    group = make.group("Acme")
    make.group("Other")
    make.team("Globex Corp")
    sign_in()
    mark_window(page)
    acme = row(page, "Acme")
    expect(acme).to_contain_text("Not synced")
    acme.get_by_role("button", name="Quick Assign Team").click()
    form = acme.get_by_role("form", name="Assign a team to Acme")
    expect(form.get_by_label("Team", exact=True)).to_be_focused()
    form.get_by_label("Team", exact=True).fill("Globex Corp")
    form.get_by_role("radio", name="Dashboard-to-Thinkific").check()
    form.get_by_role("button", name="Assign").click()
    expect(form).to_be_hidden()
    expect(acme.locator("td").nth(3)).to_have_text("1")
    expect(acme).to_contain_text("Active (pending sync)")
    expect(
        page.get_by_role("status").filter(has_text="Assigned Globex Corp to Acme")
    ).to_be_visible()
    expect(row(page, "Other")).to_contain_text("Not synced")
    assert_no_reload(page)
    assert page.url.endswith("/admin/groups/")
    page.goto(f"/admin/groups/{group.id}")
    direction = page.get_by_label("Sync direction for Globex Corp")
    expect(direction).to_have_value("dashboard_to_thinkific")


def test_quick_assign_shows_errors_inline_and_cancels(page, sign_in, make):
    make.group("Acme")
    make.team("Globex Corp")
    sign_in()
    mark_window(page)
    acme = row(page, "Acme")
    team = acme.get_by_label("Team", exact=True)
    acme.get_by_role("button", name="Quick Assign Team").click()
    expect(team).to_be_focused()  # htmx has set the form up (autofocus comes last)
    acme.get_by_role("button", name="Assign").click()
    expect(acme.get_by_text("Choose a team.")).to_be_visible()
    team.fill("No Such Team")
    acme.get_by_role("button", name="Assign").click()
    expect(acme.get_by_text("There is no team named “No Such Team”")).to_be_visible()
    acme.get_by_role("button", name="Cancel").click()
    expect(acme.get_by_role("form")).to_have_count(0)
    expect(acme).to_contain_text("Not synced")
    acme.get_by_role("button", name="Quick Assign Team").click()
    expect(team).to_be_focused()
    team.press("Escape")
    expect(acme.get_by_role("form")).to_have_count(0)
    assert_no_reload(page)


def test_team_list_narrows_as_you_type(page, sign_in, make):
    make.group("Acme")
    for n in range(30):
        make.team(f"Filler {n:02}")
    make.team("Zeta Industries")
    sign_in()
    acme = row(page, "Acme")
    acme.get_by_role("button", name="Quick Assign Team").click()
    options = acme.locator("datalist option")
    expect(options).to_have_count(20)
    team = acme.get_by_label("Team", exact=True)
    expect(team).to_be_focused()
    team.press_sequentially("zeta")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "Zeta Industries")


def test_create_group_in_place(page, sign_in, make):
    make.group("Existing")
    sign_in()
    mark_window(page)
    page.get_by_text("New group").click()
    page.get_by_label("Name", exact=True).fill("<b>Fresh</b> group")
    page.get_by_role("button", name="Create group").click()
    expect(row(page, "<b>Fresh</b> group")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Created the group")).to_be_visible()
    expect(page.locator("#group-new form")).to_have_attribute("data-htmx-powered", "true")
    page.get_by_text("New group").click()
    page.get_by_label("Name", exact=True).fill("existing")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_text("A group named “existing” already exists")).to_be_visible()
    assert_no_reload(page)


def test_viewer_sees_no_mutating_buttons(page, sign_in, make):
    make.group("Acme")
    sign_in(Role.VIEWER)
    expect(row(page, "Acme")).to_contain_text("Not synced")
    expect(page.get_by_role("button", name="Quick Assign Team")).to_have_count(0)
    expect(page.get_by_role("button", name="Sync Groups")).to_have_count(0)
    expect(page.get_by_text("New group")).to_have_count(0)
