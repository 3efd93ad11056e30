"""Sessions and the sign-in throttle across two real web processes: two gunicorn servers, as
the Procfile runs them, configured by the environment with the test's database, Redis and
secret key, and driven over HTTP as browsers would (CSRF on)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from dashboard.devserver.ports import free_port
from dashboard.extensions import db
from dashboard.models import AccountSession, Team
from tests.fixtures.app import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 20
CSRF_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass
class WebProcess:
    name: str
    url: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_ready(self) -> None:
        """Until /healthz answers 200; a process that exits or never answers fails the test
        with its output."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            with suppress(requests.ConnectionError, requests.Timeout):  # still booting
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            time.sleep(0.1)
        state = (
            f"exited with {self.process.poll()}"
            if self.process.poll() is not None
            else (f"did not answer {self.url}/healthz within {START_TIMEOUT}s")
        )
        raise RuntimeError(f"web process {self.name} {state}; its output:\n{self.output()}")

    def stop(self) -> None:
        """SIGTERM the process group (gunicorn and its worker), SIGKILL what is left, and check
        that nothing of it still runs."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)  # a worker its master left behind
        deadline = time.monotonic() + 5
        while group_alive(self.process.pid):
            assert time.monotonic() < deadline, f"web process {self.name} left processes behind"
            time.sleep(0.05)


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def web_environment(base_config: dict, instance: Path) -> dict[str, str]:
    """What dashboard/config.py reads: the test's database, Redis and secret key, a Thinkific
    that is configured (no demo mode) but never called; development mode."""
    env = {k: v for k, v in os.environ.items() if k not in ("APP_ENV", "DYNO", "PROXY_COUNT")}
    return {
        **env,
        "DATABASE_URL": base_config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": base_config["REDIS_URL"],
        "SECRET_KEY": base_config["SECRET_KEY"],
        "INSTANCE_PATH": str(instance),
        "THINKIFIC_API_URL": base_config["THINKIFIC_API_URL"],
        "THINKIFIC_API_KEY": base_config["THINKIFIC_API_KEY"],
        "THINKIFIC_SUBDOMAIN": base_config["THINKIFIC_SUBDOMAIN"],
    }


def start_web(name: str, env: dict[str, str], directory: Path) -> WebProcess:
    port = free_port()
    log = directory / f"web-{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "wsgi:app",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "4",
        "--no-control-socket",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return WebProcess(name, f"http://127.0.0.1:{port}", process, log)


@pytest.fixture(scope="module")
def web(base_config, tmp_path_factory):
    """Web processes A and B on the same database, Redis and SECRET_KEY; stopped at the end."""
    directory = tmp_path_factory.mktemp("web")
    env = web_environment(base_config, directory / "instance")
    processes: list[WebProcess] = []
    try:
        processes = [start_web(name, env, directory) for name in ("A", "B")]
        for process in processes:
            process.wait_until_ready()
        yield processes
    finally:
        for process in processes:
            process.stop()


def csrf_token(html: str) -> str:
    match = CSRF_TOKEN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(browser: requests.Session, web: WebProcess, email: str, password: str):
    """Open the sign-in page of `web` and send its form, as a browser does."""
    form = browser.get(f"{web.url}/login")
    data = {"email": email, "password": password, "csrf_token": csrf_token(form.text)}
    return browser.post(f"{web.url}/login", data=data, allow_redirects=False)


def create_team(web: WebProcess, cookie: str, token: str, name: str):
    """The create-team form sent with exactly this session cookie (a replay)."""
    return requests.post(
        f"{web.url}/admin/teams/",
        data={"new-name": name, "csrf_token": token},
        cookies={"session": cookie},
        allow_redirects=False,
    )


def team_names() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Team.name).order_by(Team.id)))


def test_a_session_begun_on_one_process_works_on_the_other_and_ends_on_both(web, make):
    a, b = web
    account = make.account()
    browser = requests.Session()
    assert sign_in(browser, a, account.email, PASSWORD).status_code == 302

    page = browser.get(f"{b.url}/admin/groups/", allow_redirects=False)
    assert page.status_code == 200
    assert account.email in page.text
    saved, token = browser.cookies["session"], csrf_token(page.text)
    assert create_team(a, saved, token, "Made before sign-out").status_code == 303

    signed_out = browser.post(f"{b.url}/logout", data={"csrf_token": token}, allow_redirects=False)
    assert signed_out.headers["Location"].startswith("/login")

    replayed = requests.get(f"{a.url}/admin/groups/", cookies={"session": saved})
    assert replayed.url.startswith(f"{a.url}/login")
    assert "<h1>Sign in</h1>" in replayed.text
    refused = create_team(a, saved, token, "Stolen")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/login")
    assert team_names() == ["Made before sign-out"]


def attempt(web: WebProcess, email: str, password: str):
    """One sign-in from a fresh browser."""
    return sign_in(requests.Session(), web, email, password)


def test_failures_spread_over_both_processes_lock_the_account_out_on_both(web, make):
    a, b = web
    account = make.account()
    failures = [attempt(a, account.email, "wrong password") for _ in range(3)]
    failures += [attempt(b, account.email, "wrong password") for _ in range(2)]
    assert [response.status_code for response in failures] == [422, 422, 422, 422, 429]

    for process in (a, b):
        response = attempt(process, account.email, PASSWORD)
        assert response.status_code == 429
        assert "Try again in 15 minutes." in response.text
    assert db.session.scalar(db.select(db.func.count(AccountSession.id))) == 0
