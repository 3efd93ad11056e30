"""What `make run` does once before starting the processes: keys, database, demo, admin."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

from ..accounts import upsert_account
from ..demo import demo_data
from ..demo.commands import describe
from ..demo.seed import is_empty, seed_dashboard
from ..extensions import db
from ..models import Account, Role

DEMO_ADMIN_EMAIL = "admin@example.com"


def secret_key(instance: Path) -> str:
    """A development key kept under instance/, so sessions survive a restart of `make run`."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def prepare_database(app: Flask, *, demo: bool, say) -> list[str]:
    """Migrate, seed the demo into an empty database in demo mode, and return how to sign in."""
    with app.app_context():
        upgrade()
        if demo and is_empty():
            say(f"Seeded the demo data: {describe(seed_dashboard(demo_data()))}.")
        sign_in = ensure_admin(app)
        db.session.remove()
        db.engine.dispose()  # the children open their own connections
    return sign_in


def ensure_admin(app: Flask) -> list[str]:
    """Use ADMIN_EMAIL/ADMIN_PASSWORD, or create the demo admin once and show its password."""
    email, password = app.config["ADMIN_EMAIL"], app.config["ADMIN_PASSWORD"]
    if email and password:
        account, _ = upsert_account(email, password, Role.ADMIN)
        db.session.commit()
        return [f"Sign in as {account.email} with the password in ADMIN_PASSWORD."]
    admin = db.session.scalar(db.select(Account).filter_by(role=Role.ADMIN).limit(1))
    if admin is not None:
        return [
            f"Sign in as {admin.email} with its password (shown once, when it was created).",
            f"Forgot it? Set a new one: .venv/bin/flask --app wsgi create-admin {admin.email}",
        ]
    password = secrets.token_urlsafe(12)
    upsert_account(DEMO_ADMIN_EMAIL, password, Role.ADMIN)
    db.session.commit()
    return [
        "Sign in with this admin account (the password is shown only this once):",
        f"  email:    {DEMO_ADMIN_EMAIL}",
        f"  password: {password}",
    ]
