"""Browser flow: a change made on a group's page shows on the Activity screen (filtered in
place) and in the group's own recent activity."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_a_change_shows_on_the_activity_screen_and_the_groups_page(page, sign_in, make):
    group = make.group("Acme")
    make.group("Globex")
    account = sign_in()
    page.goto(f"/admin/groups/{group.id}")
    page.get_by_label("Email", exact=True).fill("nia@example.com")
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#flashes").get_by_text("Added nia@example.com to Acme.")).to_be_visible()

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    rows = page.locator("#activity-results tbody tr")
    newest = rows.first
    expect(newest).to_contain_text("Member added")
    expect(newest).to_contain_text(account.email)
    expect(newest).to_contain_text("email: nia@example.com")
    expect(rows.filter(has_text="Signed in")).to_have_count(1)

    page.get_by_label("Kind").select_option("Member added")
    expect(rows).to_have_count(1)
    expect(page).to_have_url(re.compile(r"kind=member_added"))

    newest.get_by_role("link", name="Acme").click()
    expect(page.get_by_text("Only activity about group “Acme”.")).to_be_visible()
    expect(rows).to_have_count(2)  # created (by the system), then the member added
    expect(rows.last).to_contain_text("Group created")

    page.goto(f"/admin/groups/{group.id}")
    recent = page.locator("#recent-activity")
    expect(recent.locator("tbody tr").first).to_contain_text("Member added")
    expect(recent).not_to_contain_text("Globex")
    recent.get_by_role("link", name="All activity about this group").click()
    expect(page.get_by_text("Only activity about group “Acme”.")).to_be_visible()
