"""Settings: the connection without its secrets, the budget, the schedule, the removal rules,
and Test connection against the emulator over real HTTP."""

from __future__ import annotations

import re

import pytest
import redis

from dashboard.models import Direction, Role
from dashboard.redis_client import get_redis
from dashboard.settings.connection import TEST_TIMEOUT
from dashboard.thinkific.client import client_from_app
from tests.fixtures.app import HTMX
from tests.fixtures.thinkific import ACCESS_TOKEN, API_KEY
from tests.fixtures.workers import wait_for


@pytest.fixture
def on_emulator(app, thinkific_config):
    """The app pointed at the emulator (API key and subdomain)."""
    app.config.update(thinkific_config)
    return app


def test_settings_show_the_connection_but_never_a_secret(client, auth, app):
    app.config.update(
        THINKIFIC_API_KEY=API_KEY,
        THINKIFIC_ACCESS_TOKEN=None,
        THINKIFIC_API_URL="https://api.thinkific.com/api/public/v1",
        THINKIFIC_WEBHOOK_SECRET="whsec-0123456789abcdef",
    )
    auth.login(Role.VIEWER)
    html = client.get("/admin/settings/").text
    assert "https://test-school.thinkific.com" in html
    assert "API key with the subdomain, key ending <code>…" + API_KEY[-4:] in html
    assert API_KEY not in html
    assert API_KEY[:-4] not in html
    assert "whsec-0123456789abcdef" not in html
    assert "Demo mode" not in html
    assert "THINKIFIC_RATE_LIMIT" in html
    assert "Config Vars" in html


def test_an_access_token_wins_and_is_never_shown(client, auth, app):
    app.config.update(THINKIFIC_ACCESS_TOKEN=ACCESS_TOKEN, THINKIFIC_API_KEY=API_KEY)
    auth.login()
    html = client.get("/admin/settings/").text
    assert "API access token (Bearer), ending <code>…" + ACCESS_TOKEN[-4:] in html
    assert "the access token takes precedence" in html
    assert ACCESS_TOKEN not in html
    assert API_KEY not in html


def test_short_secrets_show_no_characters(client, auth, app):
    app.config.update(THINKIFIC_API_KEY="abc12345")
    auth.login()
    html = client.get("/admin/settings/").text
    assert "2345" not in html
    assert "API key with the subdomain" in html


def test_demo_mode_is_said_plainly(client, auth, on_emulator):
    auth.login()
    html = client.get("/admin/settings/").text
    assert "Demo mode:" in html
    assert "bundled Thinkific emulator" in html


def test_no_credentials_says_no_sync_can_run(client, auth, app):
    app.config.update(THINKIFIC_API_KEY=None, THINKIFIC_ACCESS_TOKEN=None)
    auth.login()
    assert "no credentials are set, so no sync can run" in client.get("/admin/settings/").text


def test_budget_schedule_coverage_and_removal_rules(client, auth, app, make):
    app.config.update(
        THINKIFIC_RATE_LIMIT=10,
        SYNC_INTERVAL_MINUTES=5,
        SYNC_REMOVAL_LIMIT=7,
        SYNC_REMOVAL_LIMIT_PERCENT=15,
        THINKIFIC_REMOVALS="graphql",
    )
    for number in range(40):  # 40 synced groups read at 1 call each; a poll may use 25
        group = make.group(f"G{number}", thinkific_id=10_000 + number)
        make.assignment(group, direction=Direction.BIDIRECTIONAL)
    auth.login(Role.VIEWER)
    html = client.get("/admin/settings/").text
    assert "every 5 minutes" in html
    assert "<strong>10 minutes</strong>" in html  # two polls of 5 minutes
    assert "spread over 2 polls" in html
    assert "These counts cover reading only" in html  # writes come on top: not a run's total
    assert "more than 7 members and more than 15 % of the group" in html
    assert "GraphQL" in html
    assert re.search(r"<dd>\s*10, shared by every web, worker and clock process", html)
    assert "Left in the current minute</dt><dd>10<" in html


def test_viewers_see_settings_but_cannot_test_the_connection(client, auth, on_emulator, emulator):
    auth.login(Role.VIEWER)
    html = client.get("/admin/settings/").text
    assert "Test connection</button>" not in html
    assert "Admins can test the connection" in html
    response = client.post("/admin/settings/test-connection", headers=HTMX)
    assert response.status_code == 403
    assert emulator.control.requests() == []


def test_test_connection_succeeds_with_the_number_of_groups(client, auth, on_emulator, emulator):
    for name in ("Acme", "Globex", "Initech"):
        emulator.control.create_group(name)
    auth.login()
    assert "Test connection" in client.get("/admin/settings/").text
    response = client.post("/admin/settings/test-connection", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="connection-test"')
    assert "Connection works." in response.text
    assert "lists 3 groups" in response.text


def test_test_connection_with_a_wrong_key_says_so(client, auth, on_emulator):
    on_emulator.config["THINKIFIC_API_KEY"] = "wrong-key-0000000000000000"
    auth.login()
    response = client.post("/admin/settings/test-connection", headers=HTMX)
    assert response.status_code == 200
    assert "Connection failed." in response.text
    assert "Wrong credentials, or a plan without API access." in response.text
    assert "wrong-key" not in response.text


def test_test_connection_on_a_plan_without_api_access(client, auth, on_emulator, emulator):
    emulator.control.configure(api_access=False)
    auth.login()
    text = client.post("/admin/settings/test-connection", headers=HTMX).text
    assert "Connection failed." in text
    assert "plan without API access" in text


def test_test_connection_when_thinkific_cannot_be_reached(client, auth):
    auth.login()  # the default test config points at a closed port
    text = client.post("/admin/settings/test-connection", headers=HTMX).text
    assert "Thinkific could not be reached." in text


def test_test_connection_without_htmx_renders_the_page(client, auth, on_emulator):
    auth.login()
    response = client.post("/admin/settings/test-connection")
    assert response.status_code == 200
    assert "<h1>Settings</h1>" in response.text
    assert "Connection works." in response.text


def test_test_connection_gives_up_on_a_silent_thinkific(client, auth, on_emulator, emulator):
    emulator.control.add_fault("slow", path="*/groups", delay=TEST_TIMEOUT[1] + 0.5)
    auth.login()
    text = client.post("/admin/settings/test-connection", headers=HTMX).text
    assert "Thinkific could not be reached." in text
    silence = f"nothing for {TEST_TIMEOUT[1]:g} s"
    assert f"did not answer GET /api/public/v1/groups in time ({silence})" in text
    wait_for(emulator.control.requests, what="the slow answer to end before the next test")


def test_test_connection_waits_for_no_budget_and_sends_nothing(client, auth, on_emulator, emulator):
    with client_from_app(on_emulator) as thinkific:
        thinkific.budget.pause.extend(30)  # as after a 429: nobody sends for 30 s
    auth.login()
    text = client.post("/admin/settings/test-connection", headers=HTMX).text
    assert "The request budget is in use right now" in text
    assert "Nothing was sent" in text
    assert emulator.control.requests() == []


def test_settings_and_test_connection_with_redis_down(client, auth, on_emulator, emulator):
    auth.login()
    working = get_redis()
    on_emulator.extensions["redis"] = redis.Redis.from_url("redis://127.0.0.1:1/0")
    try:
        page = client.get("/admin/settings/").text
        text = client.post("/admin/settings/test-connection", headers=HTMX).text
    finally:
        on_emulator.extensions["redis"] = working
    assert "unknown (Redis cannot be reached)" in page
    assert "Redis cannot be reached" in text
    assert emulator.control.requests() == []
