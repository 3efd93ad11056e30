"""The start-up sequence of `make run`, the supervision of its children, and the shutdown."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import requests
from sqlalchemy.exc import OperationalError

from .. import create_app, embedded_redis
from ..accounts import AccountError
from ..config import ConfigError, settings_from_env, thinkific_configured
from ..demo import demo_data, thinkific_seed
from ..thinkific.emulator import EmulatorControl
from .ports import free_port, port_is_free, wait_until
from .prepare import prepare_database, secret_key
from .processes import (
    EMULATOR,
    MAIL_CATCHER,
    PROCESSES,
    Child,
    Output,
    Process,
    first_exited,
    start,
    stop_all,
)
from .thinkific import API_KEY, SUBDOMAIN, DemoThinkific

WEB_START_TIMEOUT = 60.0
EMULATOR_START_TIMEOUT = 30.0


class StartupError(Exception):
    """Something the person running `make run` can fix; shown without a traceback."""


class ChildDied(Exception):
    def __init__(self, child: Child):
        super().__init__(child.name)
        self.child = child


class Shutdown(Exception):
    """Ctrl-C or SIGTERM."""


def main() -> int:
    output = Output()
    server = DevServer(output)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _shutdown)
    try:
        server.start()
        return server.supervise()
    except Shutdown:
        output.say("\nStopping...")
        return 0
    except StartupError as error:
        output.say(f"\nmake run cannot start: {error}")
        return 1
    except ChildDied as died:
        server.report_death(died.child)
        return 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)
        server.stop()


def _shutdown(signum, _frame):
    """The first Ctrl-C or SIGTERM stops everything; a second one (make forwards SIGTERM to a
    process that may already have it) must not cut that shutdown short."""
    for each in (signal.SIGINT, signal.SIGTERM):
        signal.signal(each, signal.SIG_IGN)
    raise Shutdown(signum)


class DevServer:
    def __init__(self, output: Output):
        self.output = output
        self.env = dict(os.environ)
        self.children: list[Child] = []
        self.redis_dir: Path | None = None

    def start(self) -> None:
        settings = self._settings()
        port, instance = settings["PORT"], Path(settings["INSTANCE_PATH"]).resolve()
        if not port_is_free(port):
            raise StartupError(
                f"port {port} is already in use (is `make run` running elsewhere?). "
                f"Stop that, or pick another port: PORT={port + 1} make run"
            )
        self._prepare_env(instance)
        self.env.setdefault("BASE_URL", f"http://127.0.0.1:{port}")  # links in notifications
        mail = self._plan_mail(instance)
        app = create_app(self._settings())
        commands = set(app.cli.commands)
        if mail is not None:
            self._start_mail_catcher(mail, commands)
        demo = None if thinkific_configured(app.config) else DemoThinkific.plan(instance)
        if demo is not None:
            self._start_emulator(demo, commands)
        sign_in = self._prepare_database(app, demo is not None)
        if demo is not None:
            self._wait_for_emulator(demo)
        self.children += start(
            _runnable(PROCESSES, commands), {"port": port}, self.env, self.output
        )
        self._wait_for_web(port)
        mail_line = _describe_mail(app.config, port, caught=mail is not None)
        self._banner(port, sign_in, _describe_thinkific(app.config, demo), mail_line)

    def _settings(self) -> dict:
        try:
            return settings_from_env(self.env)
        except ConfigError as error:
            raise StartupError(str(error)) from None

    def _prepare_env(self, instance: Path) -> None:
        """One environment for every child: same instance, key, Redis and Thinkific."""
        self.env["INSTANCE_PATH"] = str(instance)
        self.env.setdefault("SECRET_KEY", secret_key(instance))
        self.env.setdefault("WEB_CONCURRENCY", "2")
        self.env["PYTHONUNBUFFERED"] = "1"
        if not self.env.get("REDIS_URL"):
            self.redis_dir = instance / "redis"
            try:
                self.env["REDIS_URL"] = embedded_redis.start(self.redis_dir)
            except (RuntimeError, OSError) as error:
                raise StartupError(f"the embedded Redis did not start: {error}") from None
            self.output.say(f"Embedded Redis: {self.env['REDIS_URL']}")

    def _prepare_database(self, app, demo: bool) -> list[str]:
        try:
            return prepare_database(app, demo=demo, say=self.output.say)
        except OperationalError as error:
            url = app.config["SQLALCHEMY_DATABASE_URI"].split("@")[-1]
            raise StartupError(f"the database ({url}) does not answer: {error.orig}") from None
        except AccountError as error:
            raise StartupError(f"ADMIN_EMAIL / ADMIN_PASSWORD: {error}") from None

    def _start_emulator(self, demo: DemoThinkific, commands: set[str]) -> None:
        if EMULATOR.needs_command not in commands:
            raise StartupError("no Thinkific credentials are set and the emulator is missing")
        self.children += start([EMULATOR], demo.values(), self.env, self.output)
        self.env.update(demo.env())

    def _plan_mail(self, instance: Path) -> dict | None:
        """Without SMTP_URL, a local mail catcher takes the mail (shown on the Outbox screen)."""
        if self.env.get("SMTP_URL"):
            return None
        mail = {"mail_port": free_port(), "maildir": str(instance / "outbox")}
        self.env["SMTP_URL"] = f"smtp://127.0.0.1:{mail['mail_port']}"
        self.env["MAIL_OUTBOX"] = mail["maildir"]
        return mail

    def _start_mail_catcher(self, mail: dict, commands: set[str]) -> None:
        if MAIL_CATCHER.needs_command in commands:
            self.children += start([MAIL_CATCHER], mail, self.env, self.output)

    def _wait_for_emulator(self, demo: DemoThinkific) -> None:
        headers = {"X-Auth-API-Key": API_KEY, "X-Auth-Subdomain": SUBDOMAIN}
        if not wait_until(
            lambda: _answers(f"{demo.api_url}/groups?limit=1", headers),
            EMULATOR_START_TIMEOUT,
            alive=self._all_alive,
        ):
            self._raise_for_dead_child()
            raise StartupError(f"the Thinkific emulator did not answer at {demo.api_url}")
        if demo.fresh:
            try:
                EmulatorControl(demo.root_url).seed(**thinkific_seed(demo_data()))
            except requests.RequestException as error:
                raise StartupError(f"the Thinkific emulator refused the demo: {error}") from None
            self.output.say("Seeded the Thinkific emulator with the demo's Thinkific side.")

    def _wait_for_web(self, port: int) -> None:
        url = f"http://127.0.0.1:{port}/healthz"
        if not wait_until(lambda: _answers(url), WEB_START_TIMEOUT, alive=self._all_alive):
            self._raise_for_dead_child()
            raise StartupError(f"the web process did not answer at {url} in time")

    def _banner(self, port: int, sign_in: list[str], thinkific: str, mail: str) -> None:
        lines = [f"B2B Dashboard is running at http://127.0.0.1:{port}/", "", *sign_in, ""]
        lines += [thinkific, mail, "Press Ctrl-C to stop."]
        rule = "=" * max(len(line) + 4 for line in lines)
        body = [f"  {line}" if line else "" for line in lines]
        self.output.say("\n".join(["", rule, *body, rule, ""]))

    def supervise(self) -> int:
        """Wait until a child dies (exit 1) or a signal stops everything (main returns 0)."""
        while True:
            self._raise_for_dead_child()
            time.sleep(0.2)

    def _all_alive(self) -> bool:
        return first_exited(self.children) is None

    def _raise_for_dead_child(self) -> None:
        dead = first_exited(self.children)
        if dead is not None:
            raise ChildDied(dead)

    def report_death(self, child: Child) -> None:
        code = child.exit_code
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited ({code})"
        self.output.say(f"\nThe {child.name} process {how}; stopping the others.")

    def stop(self) -> None:
        if not self.children and self.redis_dir is None:
            return
        stop_all(self.children)
        if self.redis_dir is not None:
            embedded_redis.stop(self.redis_dir)
        self.output.say("Stopped.")


def _describe_thinkific(config, demo: DemoThinkific | None) -> str:
    if demo is not None:
        return f"Thinkific: the bundled emulator with demo data, at {demo.api_url}"
    site = config["THINKIFIC_SUBDOMAIN"] or "the site of THINKIFIC_ACCESS_TOKEN"
    return f"Thinkific: {site}, through {config['THINKIFIC_API_URL']}"


def _describe_mail(config, port: int, caught: bool) -> str:
    if caught:
        return f"Mail: caught locally, never sent; read it at http://127.0.0.1:{port}/admin/outbox"
    return f"Mail: sent through {config['SMTP_URL'].rsplit('@', 1)[-1]} (SMTP_URL)"


def _runnable(processes: tuple[Process, ...], commands: set[str]) -> list[Process]:
    return [p for p in processes if p.needs_command is None or p.needs_command in commands]


def _answers(url: str, headers: dict | None = None) -> bool:
    try:
        return requests.get(url, headers=headers, timeout=2).status_code == 200
    except requests.RequestException:
        return False
