"""Every screen and the main htmx flows run in Chromium under the Content-Security-Policy
without a single violation or console error: no inline script, no eval (htmx needs none)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group, SyncRun
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import sync

pytestmark = pytest.mark.e2e

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                         + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""
HTTP_STATUS_LOG = re.compile(r"^Failed to load resource: the server responded with a status")


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(
        app_config,
        thinkific_config,
        emulator,
        SYNC_HEARTBEAT_SECONDS=3,
        SYNC_STATUS_POLL_SECONDS=0.3,
    )


@pytest.fixture
def problems(page: Page) -> list[str]:
    """CSP violations (reported from the page through a binding, so they survive navigation),
    uncaught errors and console errors; a refusal's HTTP status in the console is expected."""
    found: list[str] = []
    page.expose_function("reportViolation", lambda text: found.append(f"CSP: {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("pageerror", lambda error: found.append(f"error: {error}"))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not HTTP_STATUS_LOG.match(message.text)
            and found.append(f"console: {message.text}")
        ),
    )
    return found


def row(page: Page, name: str):
    return page.locator("tbody.group", has=page.get_by_role("link", name=name, exact=True))


def test_every_screen_and_htmx_flow_runs_without_a_csp_violation(
    page, problems, sign_in, make, site, workers
):
    thinkific_id = site.group("Acme", "ann@example.com")
    site.group("Globex", "bob@example.com")
    sync()
    acme = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    team = make.team("Acme Corp")
    make.team("Initech")
    make.assignment(acme, team, direction=Direction.BIDIRECTIONAL)
    workers.start()
    sign_in()
    response = page.request.get("/admin/groups/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]

    # Groups: search as you type, Quick Assign (Escape cancels, then assign), Sync Groups.
    page.get_by_role("searchbox", name="Search groups by name").press_sequentially("glob")
    expect(page.locator("tbody.group")).to_have_count(1)
    globex = row(page, "Globex")
    globex.get_by_role("button", name="Quick Assign Team").click()
    team_field = globex.get_by_label("Team", exact=True)
    expect(team_field).to_be_focused()
    team_field.press("Escape")
    expect(globex.get_by_role("form")).to_have_count(0)
    globex.get_by_role("button", name="Quick Assign Team").click()
    team_field.fill("Initech")
    globex.get_by_role("button", name="Assign").click()
    flash = page.locator("#flashes .flash").filter(has_text="Assigned Initech to Globex")
    expect(flash).to_be_visible()
    flash.get_by_role("button", name="Dismiss").click()
    expect(flash).to_have_count(0)
    page.get_by_role("button", name="Sync Groups").click()
    expect(page.locator("#sync-progress")).to_contain_text(
        "Last sync of all groups: Succeeded", timeout=30_000
    )
    expect(globex.locator(".badge")).to_have_text("Full (synced)")

    # A group's page: Preview sync, then Close.
    page.goto(f"/admin/groups/{acme.id}")
    page.get_by_role("button", name="Preview sync").click()
    preview = page.locator("#group-sync-preview .sync-preview")
    expect(preview).to_contain_text("Nothing was changed on either side.")
    preview.get_by_role("button", name="Close").click()
    expect(preview).to_have_count(0)

    # Access: the preview.
    page.goto("/admin/access/")
    page.get_by_role("button", name="Preview access changes").click()
    expect(page.locator("#access-preview-result")).not_to_be_empty()

    run = db.session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
    screens = [
        "/admin/groups/",
        f"/admin/groups/{acme.id}",
        f"/admin/groups/{acme.id}/sync/preview",
        f"/admin/groups/{acme.id}/members/import",
        "/admin/teams/",
        f"/admin/teams/{team.id}",
        f"/admin/teams/{team.id}/details/edit",
        "/admin/users/",
        "/admin/access/",
        "/admin/sync-runs/",
        f"/admin/sync-runs/{run.id}",
        "/admin/settings/",
        "/admin/activity/",
        "/account",
    ]
    for path in screens:
        response = page.goto(path)
        assert response.status == 200, path
        expect(page.locator("main h1")).to_be_visible()
    page.goto("/admin/users/")
    page.locator("table tbody a[href^='/admin/users/']").first.click()
    expect(page.get_by_role("button", name="Edit user")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert problems == []
