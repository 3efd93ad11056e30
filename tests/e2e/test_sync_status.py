"""Browser flows of a sync's status telling the truth: a run whose worker died, a plan waiting
for approval, progress and wording — with real RQ workers and the emulator."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.extensions import db
from dashboard.models import SyncRun
from jobs.enqueue import start_sync_all
from tests.fixtures.thinkific import against_emulator
from tests.fixtures.workers import wait_for
from tests.sync.test_jobs import groups_with_work

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator,
                            SYNC_HEARTBEAT_SECONDS=30, SYNC_STATUS_POLL_SECONDS=0.3)  # fmt: skip


def groups_done(run_id: int) -> int:
    db.session.expire_all()
    return db.session.get(SyncRun, run_id).groups_done


def test_sync_groups_after_a_killed_worker_says_so_and_starts_within_2_s(
    page, sign_in, make, site, emulator, workers
):
    groups_with_work(site, make, count=4, size=3)
    emulator.control.configure(latency=0.3)
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
