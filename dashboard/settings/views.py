"""The Settings screen: what the environment configured, and Test connection (admins)."""

from __future__ import annotations

from flask import current_app, render_template
from redis.exceptions import RedisError

from jobs.schedule import coverage

from .. import htmx
from ..notifications.pages import settings_context as notifications_context
from ..redis_client import get_redis
from ..thinkific.budget import SharedBudget
from ..thinkific.client import site_key
from . import bp
from .connection import TEST_TIMEOUT, ConnectionCheck, check_connection, describe

PAGE = "settings/index.html"


@bp.get("/")
def index():
    return render_template(PAGE, **settings_context())


@bp.post("/test-connection")
def test_connection():
    """Admins only (the app-wide rule refuses viewers any POST): it spends a request."""
    check = check_connection(current_app._get_current_object())
    if htmx.is_partial():
        return htmx.render_fragment(PAGE, "connection_test", check=check)
    return render_template(PAGE, **settings_context(check))


def settings_context(check: ConnectionCheck | None = None, notifications_form=None) -> dict:
    config = current_app.config
    return {
        "site": describe(config),
        "coverage": coverage(),
        "budget_left": budget_left(),
        "check": check,
        "test_timeout": TEST_TIMEOUT,
        **notifications_context(notifications_form),
    }


def budget_left() -> int | None:
    """Requests left in the current window of the shared budget (None if Redis is down)."""
    config = current_app.config
    site = site_key(
        config["THINKIFIC_API_URL"],
        config.get("THINKIFIC_SUBDOMAIN"),
        config.get("THINKIFIC_ACCESS_TOKEN"),
    )
    try:
        budget = SharedBudget(get_redis(), site, rate=config["THINKIFIC_RATE_LIMIT"])
        return budget.remaining()
    except RedisError:
        return None
