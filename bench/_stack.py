"""The whole product running for a benchmark, as `make run` runs it: the emulator seeded with
the demo school's Thinkific side, the dashboard's database migrated and seeded with the demo,
an embedded Redis, RQ worker processes and the web app served by gunicorn.

    with running_stack(os.environ.get("DATABASE_URL"), workers=2) as stack:
        stack.app, stack.web_url, stack.control, stack.logs …
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from groups_page import bench_database, bench_redis  # noqa: E402

from dashboard import create_app  # noqa: E402
from dashboard.accounts import upsert_account  # noqa: E402
from dashboard.config import settings_from_env  # noqa: E402
from dashboard.demo import demo_data  # noqa: E402
from dashboard.demo.dataset import thinkific_seed  # noqa: E402
from dashboard.demo.seed import seed_dashboard  # noqa: E402
from dashboard.devserver.ports import free_port, wait_until  # noqa: E402
from dashboard.devserver.processes import PROCESSES  # noqa: E402
from dashboard.extensions import db  # noqa: E402
from dashboard.models import Role  # noqa: E402
from dashboard.thinkific.emulator import (  # noqa: E402
    EmulatorControl,
    EmulatorServer,
    create_emulator,
)

API_KEY = "0123456789abcdef0123456789abcdef"
SUBDOMAIN = "bench-school"
ADMIN_EMAIL, ADMIN_PASSWORD = "bench-admin@example.com", "benchmark password"
START_TIMEOUT = 60  # seconds for gunicorn to answer


@dataclass
class Stack:
    app: Flask
    label: str  # "SQLite" or "PostgreSQL"
    database_url: str
    web_url: str
    control: EmulatorControl
    logs: Path
    children: list[subprocess.Popen] = field(default_factory=list)

    def log_text(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs.glob("*.log"))


@contextmanager
def running_stack(
    server: str | None, *, workers: int = 2, rate: int | None = None
) -> Iterator[Stack]:
    """Everything up and seeded; `rate` overrides the emulator's default rate limit (120/min)."""
    with ExitStack() as stack:
        url, label = stack.enter_context(bench_database(server, keep=False))
        redis_url = stack.enter_context(bench_redis())
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="admin-bench-")))
        settings = {"API_KEY": API_KEY, "SUBDOMAIN": SUBDOMAIN}
        if rate:
            settings["RATE_LIMIT"] = rate
        emulator = stack.enter_context(EmulatorServer(create_emulator(settings)))
        control = EmulatorControl(emulator.url, timeout=300)
        control.seed(**thinkific_seed(demo_data()))
        env = environment(tmp, url, redis_url, emulator, rate)
        app = create_app(settings_from_env(env))
        seed(app)
        result = Stack(app, label, url, "", control, tmp)
        try:
            start_processes(result, env, workers)
            yield result
        finally:
            stop_processes(result.children)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def environment(tmp: Path, url: str, redis_url: str, emulator, rate: int | None) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "INSTANCE_PATH": str(tmp / "instance"),
        "SECRET_KEY": "benchmark",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "THINKIFIC_API_URL": emulator.api_url,
        "THINKIFIC_GRAPHQL_URL": emulator.graphql_url,
        "THINKIFIC_API_KEY": API_KEY,
        "THINKIFIC_SUBDOMAIN": SUBDOMAIN,
    }
    if rate:
        env["THINKIFIC_RATE_LIMIT"] = str(rate)
    return env


def seed(app: Flask) -> None:
    """The demo's dashboard side and a signed-in-able admin, as `make run` prepares them."""
    with app.app_context():
        upgrade()
        seed_dashboard(demo_data())
        upsert_account(ADMIN_EMAIL, ADMIN_PASSWORD, Role.ADMIN)
        db.session.commit()
        db.session.remove()


def start_processes(stack: Stack, env: dict, workers: int) -> None:
    web, worker = (next(p for p in PROCESSES if p.name == name) for name in ("web", "worker"))
    port = free_port()
    stack.web_url = f"http://127.0.0.1:{port}"
    stack.children.append(spawn(web.command({"port": port}), env, stack.logs / "web.log"))
    for index in range(workers):
        log = stack.logs / f"worker-{index}.log"
        stack.children.append(spawn(worker.command({}), env, log))
    alive = lambda: all(child.poll() is None for child in stack.children)  # noqa: E731
    if not wait_until(lambda: _answers(f"{stack.web_url}/healthz"), START_TIMEOUT, alive=alive):
        raise RuntimeError(f"the web app did not start:\n{stack.log_text()[-3000:]}")


def spawn(argv: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_processes(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code < 500
    except requests.RequestException:
        return False
