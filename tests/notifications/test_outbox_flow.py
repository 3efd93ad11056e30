"""The newcomer's path in Chromium: a sync pauses a plan, a real worker sends the digest to the
local mail catcher, and the Outbox screen (shown only while the catcher runs) lists it with a
link to the group where the plan waits."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import sync

pytestmark = pytest.mark.e2e


@pytest.fixture
def app_config(app_config, thinkific_config, emulator, mail_server) -> dict:
    config = against_emulator(app_config, thinkific_config, emulator, SYNC_HEARTBEAT_SECONDS=3)
    return {**config, "MAIL_OUTBOX": str(mail_server.directory)}


def test_a_paused_plan_shows_up_in_the_outbox(page, sign_in, site, make, workers, live_server):
    admin = sign_in()
    page.goto("/admin/outbox")
    expect(page.locator("#outbox-empty")).to_be_visible()
    site.group("Acme", "a@example.com", "b@example.com")
    sync()
    group = db.session.scalar(select(Group).filter_by(name="Acme"))
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC, just_made=True)
    sync(group)
    workers.start()

    page.get_by_role("link", name="Outbox").click()
    message = page.locator(".outbox-message").first
    expect(message).to_contain_text("[B2B Dashboard] A plan waits for approval", timeout=60_000)
    expect(message).to_contain_text(f"To {admin.email}")
    expect(message).to_contain_text("“Acme”: a sync plan with 2 removals waits for your approval")
    expect(message).to_contain_text(f"https://dashboard.example.com/admin/groups/{group.id}")


def test_without_the_catcher_there_is_no_outbox(client, admin, app):
    app.config["MAIL_OUTBOX"] = None
    assert client.get("/admin/outbox").status_code == 404
    assert ">Outbox<" not in client.get("/account").text
