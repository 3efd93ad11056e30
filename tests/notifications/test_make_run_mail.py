"""`make run` with nothing set up: a local mail catcher runs beside the other processes, and a
newcomer finds the notification of the demo's first paused plan on the Outbox screen."""

from __future__ import annotations

import signal

import requests

from tests.test_devserver import _sign_in, _wait_for, devserver  # noqa: F401 (a fixture)

FIRST_MAIL_TIMEOUT = 180  # seconds: the demo's first sync pauses its first plan within it


def test_make_run_shows_the_mail_of_the_first_paused_plan(devserver):  # noqa: F811
    server = devserver()
    url = server.wait_until_running()
    assert f"Mail: caught locally, never sent; read it at {url}admin/outbox" in server.output
    email = server.wait_for(r"email:\s+(\S+)").group(1)
    password = server.wait_for(r"password: (\S+)").group(1)
    session = _sign_in(url, email, password)

    def outbox() -> str:
        return session.get(f"{url}admin/outbox", timeout=10).text

    _wait_for(lambda: "A plan waits for approval" in outbox(), FIRST_MAIL_TIMEOUT)
    page = outbox()
    assert f"To {email}" in page
    assert "waits for your approval (run #1)." in page
    assert f"{url}admin/groups/" in page  # a link to where the plan is approved
    assert requests.get(f"{url}healthz", timeout=5).status_code == 200
    assert server.stop(signal.SIGINT) == 0
