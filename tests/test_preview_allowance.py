"""Preview sync is bounded: each account may start PREVIEWS_PER_ACCOUNT previews (group or
access) in PREVIEW_WINDOW_MINUTES, counted in Redis across web processes; a refusal says when to
try again, reads nothing from Thinkific and writes nothing."""

from __future__ import annotations

import pytest

from dashboard import create_app
from dashboard.extensions import db
from dashboard.models import Role
from tests.fixtures.app import HTMX, PASSWORD
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import database_rows
from tests.test_sync_ui_group import linked


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator)


@pytest.fixture
def web(app_config):
    """Two web processes sharing the database and Redis with the test's `app`."""
    apps = create_app(app_config), create_app(app_config)
    yield apps
    for web_app in apps:
        with web_app.app_context():
            db.engine.dispose()


def browsers(web, account):
    """The account signed in on both web processes."""
    clients = [web_app.test_client() for web_app in web]
    for client in clients:
        client.post("/login", data={"email": account.email, "password": PASSWORD})
    return clients


def test_the_sixth_preview_in_five_minutes_is_refused_on_any_process(web, site, make, emulator):
    group, _ = linked(site, make, "ann@example.com")
    viewer = browsers(web, make.account(Role.VIEWER))
    preview = f"/admin/groups/{group.id}/sync/preview"
    assert [viewer[n % 2].get(preview, headers=HTMX).status_code for n in range(5)] == [200] * 5

    before, calls = database_rows(), len(emulator.control.requests())
    refused = viewer[1].get(preview, headers=HTMX)
    assert refused.status_code == 429
    assert "You have used your 5 previews for 5 minutes" in refused.text
    assert "Try again in 5 minutes." in refused.text
    assert len(emulator.control.requests()) == calls
    assert database_rows() == before

    page = viewer[0].get(preview)  # the page without htmx says so too
    assert page.status_code == 429
    assert "Try again in" in page.text


def test_the_access_preview_draws_on_the_same_allowance(web, site, make, emulator):
    group, _ = linked(site, make, "ann@example.com")
    admin = browsers(web, make.account())
    for _ in range(5):
        admin[0].get(f"/admin/groups/{group.id}/sync/preview", headers=HTMX)
    calls = len(emulator.control.requests())
    refused = admin[1].get("/admin/access/preview", headers=HTMX)
    assert refused.status_code == 429
    assert "Try again in 5 minutes." in refused.text
    assert len(emulator.control.requests()) == calls


def test_each_account_has_its_own_allowance(web, site, make):
    group, _ = linked(site, make, "ann@example.com")
    preview = f"/admin/groups/{group.id}/sync/preview"
    first, second = browsers(web, make.account()), browsers(web, make.account(Role.VIEWER))
    for _ in range(5):
        first[0].get(preview, headers=HTMX)
    assert first[1].get(preview, headers=HTMX).status_code == 429
    assert second[1].get(preview, headers=HTMX).status_code == 200
