"""Short searches in Chromium: one character on the Users list and on a run's events finds
what starts with it, and the hint under the search box says so."""

import pytest
from playwright.sync_api import expect

from dashboard.extensions import db
from dashboard.models import EventOutcome, RunState, RunTrigger, SyncEvent, SyncRun

pytestmark = pytest.mark.e2e


def test_one_letter_finds_the_users_whose_email_or_name_starts_with_it(page, sign_in, make):
    sign_in()
    make.user("kim@acme.com", first_name="Ann", last_name="Lee")
    make.user("ann@globex.org", first_name="Bob", last_name="Moss")
    make.user("dee@acme.com", first_name="Dee", last_name="Anders")
    make.user("hannah@acme.com", first_name="Hannah", last_name="Brown")  # an "a" inside only
    page.goto("/admin/users/")
    expect(page.locator("#users-search-hint")).to_have_text(
        "One or two characters find the users whose email, first name or last name starts"
        " with them; three or more find any part of the email or name."
    )
    rows = page.locator("#users-rows tr:not(.empty)")
    expect(rows).to_have_count(4)
    page.get_by_label("Search users").press_sequentially("a")
    expect(rows).to_have_count(3)
    expect(page.locator("#users-results .list-summary")).to_contain_text(
        "3 users whose email or name starts with “a”"
    )
    for row in rows.all():
        cells = [cell.strip().lower() for cell in row.locator("td").all_inner_texts()]
        email, names = cells[0], cells[1].split()
        assert email.startswith("a") or any(name.startswith("a") for name in names), cells


def test_one_letter_finds_the_events_whose_email_or_group_starts_with_it(page, sign_in, make):
    sign_in()
    kestrel, osprey = make.group("Kestrel Sales"), make.group("Osprey")
    run = SyncRun(trigger=RunTrigger.MANUAL, state=RunState.SUCCEEDED)
    db.session.add(run)
    db.session.flush()
    for group, email in [
        (osprey, "kim@example.com"),  # the email starts with "k"
        (kestrel, "ann@example.com"),  # the group's name does
        (osprey, "mark@example.com"),  # a "k" inside only
    ]:
        db.session.add(
            SyncEvent(
                run_id=run.id,
                group_id=group.id,
                email=email,
                action="add_remote",
                outcome=EventOutcome.APPLIED,
                reason="kept in the dashboard",
            )
        )
    db.session.commit()
    page.goto(f"/admin/sync-runs/{run.id}")
    expect(page.locator("#events-search-hint")).to_have_text(
        "One or two characters find the events whose email or group name starts with them;"
        " three or more find any part of the email, reason, error or group name."
    )
    events = page.locator("#run-events tbody tr.event")
    expect(events).to_have_count(3)
    page.get_by_label("Search the events").press_sequentially("K")
    expect(events).to_have_count(2)
    expect(events.locator(".member")).to_have_text(["kim@example.com", "ann@example.com"])
    for row in events.all():
        group = row.locator("td").nth(1).inner_text().strip().lower()
        email = row.locator(".member").inner_text().strip().lower()
        assert email.startswith("k") or group.startswith("k"), (email, group)
