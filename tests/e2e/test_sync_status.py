"""Browser flows of a sync's status telling the truth: a run whose worker died, a plan waiting
for approval, progress and wording — with real RQ workers and the emulator."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group, RunState, SyncRun
from tests.access.helpers import configure, learner, school, team_with_group
from tests.fixtures.browser import htmx_ready
from tests.fixtures.thinkific import against_emulator
from tests.fixtures.workers import wait_for
from tests.starting import start_sync_all
from tests.sync.helpers import sync
from tests.sync.test_jobs import groups_with_work

pytestmark = pytest.mark.e2e

EMAILS = [f"m{i:02}@example.com" for i in range(40)]


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(
        app_config,
        thinkific_config,
        emulator,
        SYNC_HEARTBEAT_SECONDS=30,
        SYNC_STATUS_POLL_SECONDS=0.3,
    )


def groups_done(run_id: int) -> int:
    db.session.expire_all()
    return db.session.get(SyncRun, run_id).groups_done


def test_sync_groups_after_a_killed_worker_says_so_and_starts_within_2_s(
    page, sign_in, make, site, emulator, workers
):
    # long enough that signing in (slow on a loaded machine) ends well before the run would
    groups_with_work(site, make, count=12, size=3)
    emulator.control.configure(latency=0.5)
    dead = start_sync_all()
    worker = workers.start()
    wait_for(lambda: groups_done(dead.id) >= 1, what="the run to get going")
    sign_in()
    page.goto("/admin/groups/")
    workers.kill(worker)  # its heartbeat would stay for up to 30 s more

    page.get_by_role("button", name="Sync Groups").click()
    flashes = page.locator("#flashes")
    expect(flashes).to_contain_text(f"run #{dead.id}) stopped unexpectedly", timeout=2_000)
    expect(flashes).to_contain_text("worker stopped during this run", timeout=2_000)
    expect(flashes).to_contain_text("Started a sync of all groups.", timeout=2_000)
    expect(page.locator("#sync-progress")).to_contain_text("Syncing all groups.", timeout=2_000)
    expect(page.locator("#sync-progress")).not_to_contain_text(f"Run #{dead.id}")


def test_sync_groups_wins_over_the_bars_first_answer_still_on_its_way(page, sign_in, site):
    """Sync Groups pressed while the bar's own first ask (sent as the page loads) is still on
    its way: that older answer is dropped, never drawn over the run just started."""
    site.group("Acme", *EMAILS[:2])
    earlier = sync()
    sign_in()
    first_ask = re.compile(r"/sync/progress\?.*load=1")
    page.route(first_ask, lambda route: None)  # held: its answer would come after the click
    with page.expect_request(first_ask):
        page.goto("/admin/groups/")
    htmx_ready(page)

    with page.expect_event("requestfailed", lambda request: first_ask.search(request.url)):
        page.get_by_role("button", name="Sync Groups").click()
    bar = page.locator("#sync-progress")
    expect(bar).to_contain_text("Syncing all groups.")
    expect(bar.get_by_role("link", name=f"Run #{earlier.id + 1}")).to_be_visible()


def paused_groups(site, make, names: list[str]) -> tuple[list[Group], SyncRun, SyncRun]:
    """Groups whose plan in one sync of all groups removes 15 of 40 members: it pauses. Also
    returns the sync before it, which synced them and changed nothing."""
    ids = [site.group(name, *EMAILS) for name in names]
    sync()
    groups = [db.session.scalar(select(Group).filter_by(thinkific_id=i)) for i in ids]
    for group in groups:
        make.assignment(group, direction=Direction.BIDIRECTIONAL)
    assert sync().added_local == 2 * len(EMAILS)  # the members come into the dashboard
    quiet = sync()
    assert (quiet.state, quiet.added_local, quiet.added_remote) == (RunState.SUCCEEDED, 0, 0)
    for thinkific_id in ids:
        for email in EMAILS[:15]:
            site.remove(thinkific_id, email)
    return groups, quiet, sync()


def test_plans_waiting_for_approval_are_a_state_of_their_own_and_a_banner_everywhere(
    page, sign_in, make, site
):
    _, quiet, run = paused_groups(site, make, ["Acme", "Globex"])
    sign_in()
    banner = page.locator("#plans-waiting")
    expect(banner).to_contain_text("2 groups wait for your approval")
    for path in ("/admin/teams/", "/admin/settings/", "/admin/sync-runs/"):
        page.goto(path)
        expect(banner).to_contain_text("2 groups wait for your approval")

    history = page.locator(f"#run-{run.id}")
    expect(history.locator("td").nth(4)).to_have_text("Paused for approval")
    expect(history).to_contain_text("2 groups paused for approval")
    expect(history).not_to_contain_text("Succeeded")
    history.get_by_role("link", name=f"#{run.id}").click()
    note = page.locator(".run-paused")
    expect(note).to_contain_text("held the plan of 2 groups for an admin's approval")
    expect(note.get_by_role("link", name="Globex")).to_be_visible()
    expect(page.locator(".run-error")).to_have_count(0)
    expect(page.locator("#run-summary")).to_contain_text("Paused for approval")

    banner.get_by_role("link", name="Acme").click()
    expect(page.get_by_role("heading", name="Acme", level=1)).to_be_visible()
    status = page.locator("#group-sync-status")
    expect(status).to_contain_text("Waiting for approval")
    expect(status).not_to_contain_text("Last error")
    expect(page.locator("#group-runs")).to_contain_text(f"Run #{run.id} Paused for approval")
    expect(page.locator("#group-runs")).to_contain_text(f"Run #{quiet.id} Succeeded")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#group-paused").get_by_role("button", name="Reject").click()
    expect(page.locator("#flashes")).to_contain_text("Rejected: the 15 members")
    page.goto("/admin/groups/")
    expect(banner).to_contain_text("1 group waits for your approval")
    expect(banner.get_by_role("link")).to_have_text(["Globex"])
    assert re.search(r"\bwait\b", banner.inner_text()) is None


def test_progress_counts_course_access_and_says_when_it_waits_on_thinkific(
    page, sign_in, make, site, emulator, workers
):
    school(emulator.control, "Safety 101")
    sync()  # the school's courses come in
    team, group = team_with_group(make)
    for number in range(24):
        make.member(group, learner(site, make, f"learner{number:02}@example.com"))
    configure(team, "Safety 101")
    emulator.control.configure(latency=0.25)
    emulator.control.add_fault(
        "rate_limit", method="POST", path="*/enrollments", nth=[8], reset_after=6
    )
    workers.start()
    sign_in()
    page.goto("/admin/groups/")
    page.get_by_role("button", name="Sync Groups").click()

    bar = page.locator("#sync-progress")
    expect(bar).to_contain_text(
        re.compile(r"Syncing course access: \d+ of 24 enrollment changes"), timeout=20_000
    )
    expect(bar.get_by_label("Course access changes made")).to_be_visible()
    expect(bar).to_contain_text(re.compile(r"left at \d+ requests a minute"))
    expect(bar).to_contain_text(
        re.compile(
            r"Waiting on Thinkific: rate-limited: Thinkific answered 429, until "
            r"\d\d:\d\d:\d\d UTC \(\d+ s\)"
        ),
        timeout=20_000,
    )
    expect(bar).to_contain_text("Last sync of all groups: Succeeded", timeout=40_000)
    assert len(emulator.control.enrollments()) == 24
