"""Browser flows of a removal in Thinkific right after a sync pushed the member there: the next
Sync now acts on it at once, as DESIGN §4.5 says (no grace period) — Bidirectional keeps the
Thinkific admin's removal, Dashboard-to-Thinkific adds the member back. With a real RQ worker
and the emulator as Thinkific."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import sync

pytestmark = pytest.mark.e2e

P1 = "p1@example.com"


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(
        app_config,
        thinkific_config,
        emulator,
        SYNC_HEARTBEAT_SECONDS=3,
        SYNC_STATUS_POLL_SECONDS=0.3,
    )


def linked(site, make, direction: Direction) -> Group:
    """A Thinkific group without members, imported by a sync and linked with `direction`."""
    thinkific_id = site.group("Acme")
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=direction)
    return group


def add_member(page: Page, email: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_role("button", name="Add member").click()
    expect(page.locator("#flashes")).to_contain_text(f"Added {email} to Acme.")


def sync_now(page: Page) -> str:
    """Press Sync now and wait for the group's sync to end, its run heading Recent runs and
    shown there as succeeded (the list keeps up while the run ends after the group); returns
    "Run #n"."""
    newest = page.locator("#group-runs li").first.get_by_role("link")
    before = newest.inner_text()
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#flashes")).to_contain_text("Sync of Acme started")
    expect(newest).not_to_have_text(before, timeout=20_000)
    expect(page.locator("#group-runs li").first).to_contain_text("this group")
    expect(page.locator("#group-runs li").first).to_contain_text("Succeeded", timeout=20_000)
    expect(page.locator("#group-sync-status .badge")).to_have_text("Full (synced)")
    last_error = page.locator("#group-sync-status div", has_text="Last error").locator("dd")
    expect(last_error).to_have_text("none")
    return newest.inner_text()


def open_run(page: Page, run: str) -> None:
    page.locator("#group-runs").get_by_role("link", name=run, exact=True).click()
    expect(page.get_by_role("heading", name=f"Sync {run.lower()}", exact=True)).to_be_visible()
    expect(page.locator("#run-summary").get_by_role("status").first).to_have_text("Succeeded")


def pushed_then_removed_in_thinkific(page, sign_in, site, group: Group) -> None:
    """p1 added on the group page and pushed by Sync now, then removed by Thinkific's admin."""
    sign_in()
    page.goto(f"/admin/groups/{group.id}")
    add_member(page, P1)
    sync_now(page)
    expect(page.locator("#member-list")).to_contain_text(P1)
    assert site.members(group.thinkific_id) == {P1}
    site.remove(group.thinkific_id, P1)  # as Thinkific's admin would, right after the push


def test_bidirectional_keeps_a_removal_made_in_thinkific_right_after_the_push(
    page, sign_in, make, site, workers
):
    group = linked(site, make, Direction.BIDIRECTIONAL)
    workers.start()
    pushed_then_removed_in_thinkific(page, sign_in, site, group)

    page.evaluate("window.__noReload = true")
    run = sync_now(page)
    expect(page.locator("#member-list")).not_to_contain_text(P1)
    expect(page.locator("#member-list")).to_contain_text("No members yet.")
    expect(page.locator("#group-manual-actions")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True
    assert site.members(group.thinkific_id) == set()  # the Thinkific admin's removal stands

    open_run(page, run)
    events = page.locator("#run-events tbody tr", has_text=P1)
    expect(events).to_have_count(1)
    expect(events).to_contain_text("Remove in the dashboard")
    expect(events).to_contain_text("Applied")
    expect(events).to_contain_text("removed in Thinkific since the last sync")


def test_dashboard_to_thinkific_adds_back_a_member_removed_in_thinkific_right_after_the_push(
    page, sign_in, make, site, workers
):
    group = linked(site, make, Direction.DASHBOARD_TO_THINKIFIC)
    workers.start()
    pushed_then_removed_in_thinkific(page, sign_in, site, group)

    run = sync_now(page)
    expect(page.locator("#member-list")).to_contain_text(P1)
    expect(page.locator("#member-list")).to_contain_text("1 member")
    expect(page.locator("#group-manual-actions")).to_have_count(0)
    assert site.members(group.thinkific_id) == {P1}  # back in Thinkific at this sync

    open_run(page, run)
    events = page.locator("#run-events tbody tr", has_text=P1)
    expect(events).to_have_count(1)
    expect(events).to_contain_text("Add in Thinkific")
    expect(events).to_contain_text("Applied")
    expect(events).to_contain_text("not in the Thinkific group")
