"""Browser flows of a team link change that the next sync would answer with removals: the form
says who would be removed and asks to confirm, and the first sync after it pauses before any
removal (DESIGN §4.5) — with the emulator as Thinkific and a real RQ worker."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Assignment, Direction, Group, MemberSource, User
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import add_local, members, sync

pytestmark = pytest.mark.e2e

THINKIFIC = [f"t{i}@example.com" for i in range(4)]


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(
        app_config,
        thinkific_config,
        emulator,
        SYNC_HEARTBEAT_SECONDS=3,
        SYNC_STATUS_POLL_SECONDS=0.3,
    )


def synced(site, make, direction: Direction) -> Group:
    """A Thinkific group with 4 members, linked with `direction` and synced once."""
    thinkific_id = site.group("Acme", *THINKIFIC)
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=direction)
    sync(group)
    return group


def remove(group: Group, email: str) -> None:
    """Removed in the dashboard while no team link syncs the group."""
    user = db.session.scalar(select(User).filter_by(email=email))
    service.remove_member(group, user, MemberSource.DASHBOARD)
    db.session.commit()


def row(page: Page, name: str):
    return page.locator("tbody.group", has=page.get_by_role("link", name=name, exact=True))


def links() -> int:
    return db.session.scalar(select(func.count()).select_from(Assignment))


def test_quick_assign_names_the_removals_asks_to_confirm_and_the_sync_pauses(
    page, sign_in, make, site
):
    group = synced(site, make, Direction.THINKIFIC_TO_DASHBOARD)  # the dashboard has the 4
    service.unassign(group.assignments[0])
    for email in THINKIFIC[:2]:
        remove(group, email)
    make.team("Globex")
    sign_in()
    acme = row(page, "Acme")
    acme.get_by_role("button", name="Quick Assign Team").click()
    form = acme.get_by_role("form", name="Assign a team to Acme")
    form.get_by_label("Team", exact=True).fill("Globex")
    form.get_by_role("radio", name="Dashboard-to-Thinkific").check()
    form.get_by_role("button", name="Assign").click()

    confirm = acme.get_by_role("alert")
    expect(confirm).to_contain_text("Assign Globex to Acme (Dashboard-to-Thinkific)?")
    expect(confirm).to_contain_text(
        "The next sync will remove 2 members from Thinkific: t0@example.com, t1@example.com."
    )
    expect(confirm.get_by_role("button", name="Confirm")).to_be_focused()
    assert links() == 0  # nothing saved yet
    confirm.get_by_role("button", name="Confirm").click()
    expect(acme).to_contain_text("Active (pending sync)")
    expect(page.get_by_role("status").filter(has_text="Assigned Globex to Acme")).to_be_visible()
    assert links() == 1

    sync(group)  # the first sync after the change: 2 removals, below the limit, still held
    page.goto(f"/admin/groups/{group.id}")
    expect(page.locator("#group-sync-status .badge")).to_have_text("Paused")
    waiting = page.locator("#group-paused")
    expect(waiting).to_contain_text("the first sync since a team link of this group changed")
    expect(waiting.locator("li.change")).to_have_count(2)
    assert site.members(group.thinkific_id) == set(THINKIFIC)  # nothing removed


def test_cancel_leaves_the_group_as_it_was(page, sign_in, make, site):
    group = synced(site, make, Direction.THINKIFIC_TO_DASHBOARD)
    service.unassign(group.assignments[0])
    remove(group, "t0@example.com")
    make.team("Globex")
    sign_in()
    acme = row(page, "Acme")
    acme.get_by_role("button", name="Quick Assign Team").click()
    form = acme.get_by_role("form", name="Assign a team to Acme")
    form.get_by_label("Team", exact=True).fill("Globex")
    form.get_by_role("radio", name="Dashboard-to-Thinkific").check()
    form.get_by_role("button", name="Assign").click()
    acme.get_by_role("alert").get_by_role("button", name="Cancel").click()
    expect(acme.get_by_role("alert")).to_have_count(0)
    expect(acme.get_by_role("button", name="Quick Assign Team")).to_be_visible()
    expect(acme).to_contain_text("Not synced")
    assert links() == 0


def test_a_direction_change_on_the_group_page_confirms_and_the_sync_now_pauses(
    page, sign_in, make, site, workers
):
    group = synced(site, make, Direction.BIDIRECTIONAL)
    add_local(group, "new@example.com")
    sync(group)  # new@ is in Thinkific now too
    site.remove(group.thinkific_id, "new@example.com")  # and removed there by its admin
    add_local_only = "late@example.com"
    add_local(group, add_local_only)  # added in the dashboard after the last sync
    workers.start()
    sign_in()
    page.goto(f"/admin/groups/{group.id}")
    team = group.assignments[0].team.name
    page.get_by_label(f"Sync direction for {team}").select_option("thinkific_to_dashboard")
    confirm = page.locator("#group-teams").get_by_role("alert")
    expect(confirm).to_contain_text(f"Change {team} to Thinkific-to-Dashboard?")
    # from the last known Thinkific side (no call to Thinkific): new@'s removal there is not
    # known until the sync reads it, and the sync holds it too
    expect(confirm).to_contain_text(
        "The next sync will remove 1 member from the dashboard: late@example.com."
    )
    confirm.get_by_role("button", name="Confirm").click()
    expect(page.locator("#flashes")).to_contain_text(f"{team} now syncs Thinkific-to-Dashboard.")
    expect(page.get_by_label(f"Sync direction for {team}")).to_have_value("thinkific_to_dashboard")

    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#group-sync-status .badge")).to_have_text("Paused", timeout=20_000)
    waiting = page.locator("#group-paused")
    expect(waiting).to_contain_text("the first sync since a team link of this group changed")
    expect(waiting.locator("li.change")).to_have_count(2)  # new@ and late@, both held
    db.session.expire_all()
    assert {"new@example.com", add_local_only} <= members(group)
