"""Browser flow of team access, end to end: Chromium, the live app, a real RQ worker process
and the Thinkific emulator. Every wait is on what the admin sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from dashboard.models import Role
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import Site

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator, SYNC_HEARTBEAT_SECONDS=3)


def sync_now(page: Page) -> None:
    """Start a sync of everything from the Access page and wait until the page says it is done."""
    page.goto("/admin/access/")
    state = page.locator("#access-sync-state")
    before = state.inner_text()
    page.get_by_role("button", name="Sync now").click()
    expect(state).not_to_have_text(before)
    expect(state).to_contain_text("Last sync of all groups: Succeeded", timeout=30_000)


def test_configure_assign_sync_and_see_the_access(page, sign_in, make, emulator, workers):
    site = Site(emulator.control)
    emulator.control.seed(courses=[{"name": "Safety 101"}, {"name": "Fire drills"}])
    group = make.group("Acme learners")
    for email in ("ann@example.com", "bob@example.com"):
        make.member(group, make.user(email=email, thinkific_id=site.user(email)))
    team = make.team("Acme")
    workers.start()
    sign_in(Role.ADMIN)

    sync_now(page)  # the sync pulls the school's courses

    page.goto(f"/admin/teams/{team.id}")
    configuration = page.locator("#team-configuration")
    configuration.get_by_role("button", name="Edit configuration").click()
    configuration.get_by_label("Safety 101").check()
    configuration.get_by_label("Access ends on").fill("2030-06-30")
    configuration.get_by_role("button", name="Save configuration").click()
    expect(configuration.locator("#team-courses")).to_have_text(re.compile(r"^\s*Safety 101\s*$"))

    page.goto("/admin/groups/")
    row = page.locator("tbody.group", has=page.get_by_role("link", name="Acme learners"))
    row.get_by_role("button", name="Quick Assign Team").click()
    form = row.get_by_role("form", name="Assign a team to Acme learners")
    form.get_by_label("Team", exact=True).fill("Acme")
    form.get_by_role("radio", name="Disabled").check()
    form.get_by_role("button", name="Assign").click()
    expect(form).to_be_hidden()
    page.goto(f"/admin/groups/{group.id}")
    expect(page.locator("#group-teams")).to_contain_text(
        "Safety 101 · no seat limit · until 2030-06-30"
    )

    sync_now(page)

    page.goto(f"/admin/teams/{team.id}")
    users = page.locator("#team-users tbody tr")
    expect(users).to_have_count(2)
    for index in range(2):
        expect(users.nth(index).locator(".access")).to_have_text("Active")
    page.get_by_role("link", name="ann@example.com").click()
    access = page.locator("#user-access")
    expect(access.locator("tr", has_text="Safety 101")).to_contain_text("Active until 2030-06-30")
    expect(access).to_contain_text("Acme")
    enrolled = {e["user_email"] for e in emulator.control.enrollments()}
    assert enrolled == {"ann@example.com", "bob@example.com"}


def test_left_out_users_are_shown_with_the_reason(page, sign_in, make, emulator, workers):
    site = Site(emulator.control)
    emulator.control.seed(courses=[{"name": "Safety 101"}])
    group = make.group("Acme learners")
    team = make.team("Acme", seat_limit=1)
    for email in ("first@example.com", "second@example.com"):
        make.member(group, make.user(email=email, thinkific_id=site.user(email)))
    workers.start()
    sign_in(Role.ADMIN)
    sync_now(page)
    page.goto(f"/admin/teams/{team.id}")
    page.locator("#team-configuration").get_by_role("button", name="Edit configuration").click()
    page.get_by_label("Safety 101").check()
    page.get_by_role("button", name="Save configuration").click()
    page.goto(f"/admin/groups/{group.id}")
    page.get_by_text("Assign a team").click()
    page.get_by_label("Team", exact=True).fill("Acme")
    page.get_by_role("radio", name="Disabled").check()
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator("#group-teams tbody tr")).to_have_count(1)
    sync_now(page)
    page.goto(f"/admin/teams/{team.id}")
    expect(page.locator("#team-seats")).to_contain_text("1 of 1 used")
    left_out = page.locator("#team-left-out")
    expect(left_out).to_contain_text("second@example.com")
    expect(left_out).to_contain_text("No seat: the team's 1 seats go to the 1 users who joined")
    expect(page.locator("#team-users tr", has_text="second@example.com")).to_contain_text("No seat")
    expect(page.locator("#team-users tr", has_text="first@example.com")).to_contain_text("Active")
