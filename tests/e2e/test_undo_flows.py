"""Browser flow of undoing a run: open a finished run, Undo this run, read the plan (one change
skipped, with its reason), confirm, watch the new linked run finish, find the members back. With
a real RQ worker and the emulator as Thinkific."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import add_local, members, sync

pytestmark = pytest.mark.e2e

P1, P2, P3 = (f"p{n}@example.com" for n in (1, 2, 3))


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(
        app_config,
        thinkific_config,
        emulator,
        SYNC_HEARTBEAT_SECONDS=3,
        SYNC_STATUS_POLL_SECONDS=0.3,
    )


def test_undo_a_run_that_removed_members(page, sign_in, make, site, workers):
    thinkific_id = site.group("Acme", P1, P2, P3)
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync(group)  # both sides agree on p1, p2, p3
    site.remove(thinkific_id, P1)
    site.remove(thinkific_id, P2)  # removed by Thinkific's admin by mistake…
    run = sync(group)  # … so the sync removes them from the dashboard
    assert members(group) == {P3}
    add_local(group, P2)  # an admin already put p2 back
    workers.start()

    sign_in()
    page.goto(f"/admin/sync-runs/{run.id}")
    page.get_by_role("button", name="Undo this run").click()
    expect(page.get_by_role("heading", name=f"Undo run #{run.id}")).to_be_visible()
    p1 = page.locator(".undo-line", has_text=P1)
    expect(p1).to_contain_text(
        f"add back in the dashboard: removed from the dashboard by run #{run.id}"
    )
    expect(p1).to_contain_text("Planned")
    p2 = page.locator(".undo-line", has_text=P2)
    expect(p2).to_contain_text("Skipped")
    expect(p2).to_contain_text(f"{P2} was re-added in the dashboard by an admin on ")
    expect(page.locator(".undo-summary")).to_have_text("1 change to make, 1 change skipped.")

    page.get_by_role("button", name=f"Confirm: undo run #{run.id}").click()
    expect(page.locator("#flashes")).to_contain_text(f"Undoing run #{run.id}")
    expect(page).to_have_url(re.compile(r"/admin/sync-runs/\d+$"))
    expect(page.locator(".undo-link")).to_contain_text(f"This run undoes run #{run.id}")
    expect(page.locator("#run-summary").get_by_role("status").first).to_have_text(
        "Succeeded", timeout=20_000
    )
    skipped = page.locator("#run-events tbody tr", has_text=P2)
    expect(skipped).to_contain_text("Skipped")
    expect(skipped).to_contain_text("re-added in the dashboard by an admin")

    page.locator(".undo-link").get_by_role("link", name=f"run #{run.id}").click()
    expect(page.locator(".undo-link")).to_contain_text("Undone by run #")
    expect(page.get_by_role("button", name="Undo this run")).to_have_count(0)
    page.goto(f"/admin/groups/{group.id}")
    expect(page.locator("#member-list")).to_contain_text(P1)
    expect(page.locator("#member-list")).to_contain_text("3 members")
