"""`make run`: the whole product on one machine with nothing installed.

Starts an embedded Redis when REDIS_URL is unset, migrates the SQLite (or configured) database,
makes sure an admin can sign in, then runs the web, worker and clock processes side by side
until Ctrl-C. Every child gets the same environment, so they share one Redis and one database.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from flask import Flask

from . import create_app, embedded_redis
from .accounts import upsert_account
from .config import settings_from_env
from .extensions import db
from .models import Account, Role

DEMO_ADMIN_EMAIL = "admin@example.com"


def main() -> int:
    env = dict(os.environ)
    settings = settings_from_env(env)
    instance = Path(settings["INSTANCE_PATH"])
    env.setdefault("SECRET_KEY", settings["SECRET_KEY"])  # one key for every process
    if not env.get("REDIS_URL"):
        env["REDIS_URL"] = embedded_redis.start(instance / "redis")
    os.environ.update(env)
    app = create_app()
    prepare_database(app)
    children = start_processes(env, settings["PORT"])
    print(f"\n  B2B Dashboard is running at http://127.0.0.1:{settings['PORT']}/\n", flush=True)
    return supervise(children)


def prepare_database(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        ensure_admin(app)


def ensure_admin(app: Flask) -> None:
    """Use ADMIN_EMAIL/ADMIN_PASSWORD, or create a demo admin once and print its password."""
    email, password = app.config["ADMIN_EMAIL"], app.config["ADMIN_PASSWORD"]
    if email and password:
        upsert_account(email, password, Role.ADMIN)
        db.session.commit()
        print(f"  Sign in as {email} with the password from ADMIN_PASSWORD.")
        return
    if db.session.scalar(db.select(Account).filter_by(role=Role.ADMIN).limit(1)):
        print(
            "  Sign in with the admin account printed on the first start "
            "(or make one: .venv/bin/flask --app wsgi create-admin EMAIL)."
        )
        return
    password = secrets.token_urlsafe(12)
    upsert_account(DEMO_ADMIN_EMAIL, password, Role.ADMIN)
    db.session.commit()
    print(
        f"  Created an admin account (shown only this once):\n"
        f"    email:    {DEMO_ADMIN_EMAIL}\n    password: {password}"
    )


def process_commands(port: int) -> dict[str, list[str]]:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    return {
        "web": [*flask, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
        "worker": [*flask, "worker"],
        "clock": [*flask, "clock"],
    }


def start_processes(env: dict[str, str], port: int) -> dict[str, subprocess.Popen]:
    return {
        name: subprocess.Popen(command, env=env) for name, command in process_commands(port).items()
    }


def supervise(children: dict[str, subprocess.Popen]) -> int:
    """Wait until Ctrl-C or a child exits, then stop them all."""
    stopping = False

    def request_stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while not stopping and all(child.poll() is None for child in children.values()):
        time.sleep(0.2)
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    for child in children.values():
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
