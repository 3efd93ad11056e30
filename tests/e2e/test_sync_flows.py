"""Browser flows of the sync: Sync Groups with live badges, Sync now bringing members in,
Preview sync, and approving a paused removal — with a real RQ worker and the emulator."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group, RunTrigger, SyncRun
from dashboard.runs.lifecycle import ACTIVE
from tests.access.helpers import configure, enrollments, school
from tests.fixtures.thinkific import against_emulator
from tests.fixtures.workers import wait_for
from tests.starting import start_sync_all
from tests.sync.helpers import add_local, database_rows, members, sync

pytestmark = pytest.mark.e2e

EMAILS = [f"m{i:02}@example.com" for i in range(40)]


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    """Web, worker and test share this: the emulator as Thinkific, quick polls, no budget
    limit (the emulator's latency makes each group's sync take a moment, so it can be seen)."""
    return against_emulator(
        app_config,
        thinkific_config,
        emulator,
        SYNC_HEARTBEAT_SECONDS=3,
        SYNC_STATUS_POLL_SECONDS=0.3,
    )


def imported(site, name: str, *emails: str) -> Group:
    """A Thinkific group with `emails`, imported into the dashboard by a sync."""
    thinkific_id = site.group(name, *emails)
    sync()
    return db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))


def open_marked(page: Page, path: str) -> None:
    """Open a page and mark its window: the mark survives only if the page never reloads."""
    page.goto(path)
    page.evaluate("window.__noReload = true")


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__noReload") is True


def row(page: Page, name: str):
    return page.locator("tbody.group", has=page.get_by_role("link", name=name, exact=True))


def test_sync_groups_shows_badges_change_live(page, sign_in, make, site, emulator, workers):
    groups = [imported(site, name, "ann@example.com") for name in ("Acme", "Globex")]
    for group in groups:
        make.assignment(group, direction=Direction.BIDIRECTIONAL)
        add_local(group, f"new-{group.id}@example.com")
    emulator.control.configure(latency=0.4)  # a group's sync now takes a visible moment
    workers.start()
    sign_in()
    open_marked(page, "/admin/groups/")
    acme, globex = row(page, "Acme"), row(page, "Globex")
    expect(acme).to_contain_text("Active (pending sync)")

    page.get_by_role("button", name="Sync Groups").click()
    expect(page.locator("#flashes")).to_contain_text("Started a sync of all groups.")
    expect(page.locator("#sync-progress")).to_contain_text("Syncing all groups.")
    expect(acme.locator(".badge")).to_have_text("Syncing")
    expect(globex.locator(".badge")).to_have_text("Syncing")
    expect(acme.locator(".badge")).to_have_text("Full (synced)", timeout=30_000)
    expect(globex.locator(".badge")).to_have_text("Full (synced)", timeout=30_000)
    expect(page.locator("#flashes")).to_contain_text("The sync of all groups finished: 2 groups")
    expect(page.locator("#sync-progress")).to_contain_text("Last sync of all groups: Succeeded")
    expect(page.locator("#sync-progress")).to_have_attribute("data-polling", "no")
    expect(globex.locator("td").nth(4)).to_have_text("2")  # the users count came along
    assert_no_reload(page)
    page.locator("#flashes").get_by_role("link", name=re.compile(r"See run #\d+")).click()
    expect(page.get_by_role("heading", name=re.compile(r"Sync run #\d+"))).to_be_visible()
    expect(page.locator("#run-events")).to_contain_text("add to Thinkific")


LOOKS_BACK = re.compile(r"visibilitychange.* from:document")


def test_an_idle_page_catches_up_with_a_sync_started_elsewhere(
    page, sign_in, make, site, emulator, workers
):
    group = imported(site, "Acme", "ann@example.com")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    add_local(group, "new@example.com")
    emulator.control.configure(latency=0.4)
    workers.start()
    sign_in()
    open_marked(page, "/admin/groups/")
    acme = row(page, "Acme")
    expect(acme.locator(".badge")).to_have_text("Active (pending sync)")
    # the bar's first answer is in: idle, it now looks again when the admin looks back
    expect(page.locator("#sync-progress")).to_have_attribute("hx-trigger", LOOKS_BACK)

    start_sync_all(RunTrigger.SCHEDULE)  # the clock's poll: nothing on the page asked for it
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the admin looks back
    expect(page.locator("#sync-progress")).to_contain_text("Syncing all groups.")
    expect(acme.locator(".badge")).to_have_text("Full (synced)", timeout=30_000)
    expect(acme.locator("td").nth(4)).to_have_text("2")
    expect(page.locator("#sync-progress")).to_have_attribute("data-polling", "no")
    assert_no_reload(page)


def test_quick_assign_then_sync_now_brings_the_members_in(page, sign_in, make, site, workers):
    imported(site, "Sales", "ann@example.com", "bob@example.com")
    make.team("Globex Corp")
    workers.start()
    sign_in()
    open_marked(page, "/admin/groups/")
    sales = row(page, "Sales")
    sales.get_by_role("button", name="Quick Assign Team").click()
    form = sales.get_by_role("form", name="Assign a team to Sales")
    expect(form.get_by_label("Team", exact=True)).to_be_focused()
    form.get_by_label("Team", exact=True).fill("Globex Corp")
    form.get_by_role("radio", name="Thinkific-to-Dashboard").check()
    form.get_by_role("button", name="Assign").click()
    expect(sales).to_contain_text("Active (pending sync)")

    sales.get_by_role("link", name="Sales").click()
    expect(page.get_by_role("heading", name="Sales", level=1)).to_be_visible()
    page.evaluate("window.__noReload = true")
    expect(page.locator("#member-list")).to_contain_text("No members yet.")
    page.get_by_role("button", name="Sync now").click()
    expect(page.locator("#flashes")).to_contain_text("Sync of Sales started")
    members_list = page.locator("#member-list")
    expect(members_list).to_contain_text("ann@example.com", timeout=20_000)
    expect(members_list).to_contain_text("bob@example.com")
    expect(members_list).to_contain_text("Thinkific")  # the members' source
    expect(page.locator("#group-sync-status .badge")).to_have_text("Full (synced)")
    expect(page.locator("#group-runs")).to_contain_text("this group")
    assert_no_reload(page)


def test_group_sync_preview_shows_the_plan_and_changes_nothing(page, sign_in, make, site, emulator):
    group = imported(site, "Acme", "ann@example.com")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync(group)
    add_local(group, "dee@example.com")
    site.add(group.thinkific_id, "cy@example.com")
    sign_in()
    open_marked(page, f"/admin/groups/{group.id}")
    before, thinkific_before = database_rows(), site.members(group.thinkific_id)
    page.get_by_role("button", name="Preview sync").click()
    preview = page.locator("#group-sync-preview")
    expect(preview).to_contain_text("1 to add in Thinkific")
    expect(preview).to_contain_text("1 to add in the dashboard")
    expect(preview.get_by_role("listitem").filter(has_text="dee@example.com")).to_contain_text(
        "add to Thinkific: added in the dashboard on"
    )
    expect(preview.get_by_role("listitem").filter(has_text="cy@example.com")).to_contain_text(
        "add to the dashboard: added in Thinkific since the last sync"
    )
    expect(preview).to_contain_text("Nothing was changed on either side.")
    assert_no_reload(page)
    assert database_rows() == before
    assert site.members(group.thinkific_id) == thinkific_before


def live_runs_of(group: Group) -> list[SyncRun]:
    db.session.expire_all()
    where = (SyncRun.group_id == group.id, SyncRun.state.in_(ACTIVE))
    return db.session.scalars(select(SyncRun).where(*where)).all()


def test_a_removal_above_the_limit_pauses_and_approve_applies_it(
    page, sign_in, make, site, workers
):
    group = imported(site, "Acme", *EMAILS)
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync(group)
    for email in EMAILS[:15]:
        site.remove(group.thinkific_id, email)
    workers.start()
    sign_in()
    open_marked(page, f"/admin/groups/{group.id}")
    badge = page.locator("#group-sync-status .badge")
    page.get_by_role("button", name="Sync now").click()
    expect(badge).to_have_text("Paused", timeout=20_000)
    waiting = page.locator("#group-paused")
    expect(waiting).to_contain_text("its plan removes 15 members")
    expect(waiting.locator("li.change")).to_have_count(15)
    expect(page.locator("#member-list")).to_contain_text("40 members")
    # the run that paused the group goes on to its end (course access, notifications); an
    # answer given before then is refused with "decide once that run ends". The page's last
    # poll (which brings the final state) has come once the section stops polling.
    wait_for(lambda: not live_runs_of(group), what="the run that paused the group to end")
    status = page.locator("#group-sync-status")
    expect(status).not_to_have_attribute("hx-trigger", re.compile(r"^every "), timeout=20_000)

    page.once("dialog", lambda dialog: dialog.accept())
    waiting.get_by_role("button", name="Approve").click()
    expect(page.locator("#flashes")).to_contain_text("Approved: the sync of Acme now applies")
    expect(badge).to_have_text("Full (synced)", timeout=20_000)
    expect(page.locator("#member-list")).to_contain_text("25 members")
    expect(page.locator("#group-paused")).to_have_count(0)
    assert_no_reload(page)
    db.session.expire_all()
    assert members(group) == set(EMAILS[15:])


def test_a_runs_events_filter_in_place_and_export_the_same(
    page, sign_in, make, site, emulator, app
):
    app.config["THINKIFIC_RETRY"] = {"attempts": 2, "backoff_base": 0.01, "backoff_max": 0.05}
    group = imported(site, "Acme", "ann@example.com")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    add_local(group, "dee@example.com")
    emulator.control.add_fault("server_error", method="POST", path="*/group_users")
    run = sync(group)
    sign_in()
    open_marked(page, f"/admin/sync-runs/{run.id}")
    events = page.locator("#run-events tbody tr")
    expect(events.first).to_be_visible()
    page.get_by_label("Outcome").select_option("Failed")
    expect(events).to_have_count(1)
    expect(events.first).to_contain_text("dee@example.com")
    expect(events.first).to_contain_text("Thinkific failed (503 on POST")
    expect(page).to_have_url(re.compile(r"outcome=failed"))
    export = page.get_by_role("link", name="Export these as CSV")
    expect(export).to_have_attribute("href", re.compile(r"events\.csv\?.*outcome=failed"))
    page.get_by_label("Search the events").fill("nobody-matches-this")
    expect(page.locator("#run-events")).to_contain_text("No event of this run matches the filters.")
    assert_no_reload(page)


def test_test_connection_answers_in_place(page, sign_in, emulator):
    emulator.control.create_group("Acme")
    sign_in()
    open_marked(page, "/admin/settings/")
    expect(page.get_by_text("Demo mode:")).to_be_visible()
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#connection-test")).to_contain_text(
        "Connection works. Thinkific answered and lists 1 group."
    )
    assert_no_reload(page)


def test_quick_assign_answers_while_a_sync_is_running(page, sign_in, make, site, emulator, workers):
    school(emulator.control, "Safety 101")
    acme = imported(site, "Acme", *EMAILS[:10])
    team = make.team("Acme Corp")
    make.assignment(acme, team, Direction.BIDIRECTIONAL)
    configure(team, "Safety 101")  # ten enrollments for the sync to create in Thinkific
    make.group("Other")
    make.team("Globex Corp")
    # Thinkific takes 8 s over the second one: the sync is then under way, in its writes
    emulator.control.add_fault("slow", method="POST", path="*enrollments", nth=[2], delay=8)
    workers.start()
    sign_in()
    open_marked(page, "/admin/groups/")
    page.get_by_role("button", name="Sync Groups").click()
    progress = page.locator("#sync-progress")
    expect(progress).to_contain_text("Syncing all groups.")
    wait_for(lambda: enrollments(emulator.control), what="the sync's first enrollment")

    other = row(page, "Other")
    other.get_by_role("button", name="Quick Assign Team").click()
    form = other.get_by_role("form", name="Assign a team to Other")
    form.get_by_label("Team", exact=True).fill("Globex Corp")
    form.get_by_role("button", name="Assign").click()
    expect(other.locator("td").nth(3)).to_have_text("1", timeout=3_000)  # not behind the sync
    expect(
        page.get_by_role("status").filter(has_text="Assigned Globex Corp to Other")
    ).to_be_visible()
    expect(progress).to_contain_text("Syncing all groups.")  # the sync is still under way
    assert_no_reload(page)
    expect(progress).to_contain_text("Last sync of all groups: Succeeded", timeout=30_000)
