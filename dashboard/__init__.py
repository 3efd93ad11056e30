"""The B2B Dashboard: Thinkific groups linked to customer teams, kept in sync."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import (
    compression,
    csrf_tokens,
    database,
    htmx,
    redis_client,
    security_headers,
    session_cookies,
)
from .config import PROJECT_ROOT, settings_from_env
from .extensions import csrf, db, login_manager, migrate


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the environment, with `config` (tests, tools) taking precedence."""
    settings = {**settings_from_env(), **(config or {})}
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(Path(settings["INSTANCE_PATH"]).resolve()),
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_commands(app)
    register_listeners()
    if app.config.get("PROXY_COUNT"):  # the client's address from X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"])
    return app


def register_listeners() -> None:
    """Notifications hear the runs' signals in every process: web, worker, clock."""
    from jobs import notification_events

    notification_events.listen()


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (the metadata that migrations compare against)

    # A connection can be lost between uses (a server restart, an idle timeout, a closed
    # handle): ping it before use, on every engine (tests/sync/test_connection_lost.py).
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the session
    compression.init_app(app)  # first: its after_request runs last
    session_cookies.init_app(app)
    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    redis_client.init_app(app)
    htmx.init_app(app)
    security_headers.init_app(app)


BLUEPRINTS = (  # one module per screen or door, each exposing `bp` and `blueprint()`
    "auth",
    "health",
    "groups",
    "teams",
    "users",
    "web.access",
    "web.webhooks",
    "sync_runs",
    "settings",
    "web.activity",
    "web.notifications",
)


def register_blueprints(app: Flask) -> None:
    from . import urls
    from .auth.permissions import init_app as init_access

    urls.init_app(app)
    for name in BLUEPRINTS:
        app.register_blueprint(import_module(f".{name}", __name__).blueprint())
    init_access(app)


def register_template_helpers(app: Flask) -> None:
    from . import templating

    templating.init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli

    cli.init_app(app)
