"""Template globals and filters shared by every page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, current_app, url_for
from flask_login import current_user

from .plurals import count

NAVIGATION = (
    ("groups.index", "Groups"),
    ("teams.index", "Teams"),
    ("users.index", "Users"),
    ("sync_runs.index", "Sync history"),
    ("access.index", "Access"),
    ("settings.index", "Settings"),
    ("activity.index", "Activity"),
    ("notifications.outbox", "Outbox"),  # only while `make run`'s mail catcher runs
)
ADMIN_ONLY = {"activity.index"}  # screens viewers may not open: not in their sidebar


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        navigation=navigation,
        htmx_js="js/htmx-4.0.1.min.js",
        url_if_exists=url_if_exists,
        today=today,
    )
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["ago"] = time_ago
    app.jinja_env.filters["stamp"] = stamp
    app.jinja_env.filters["count"] = count


def navigation() -> list[tuple[str, str]]:
    """The sidebar entries whose screens exist in this build."""
    endpoints = {rule.endpoint for rule in current_app.url_map.iter_rules()}
    if not getattr(current_user, "is_admin", False):
        endpoints -= ADMIN_ONLY
    if not current_app.config.get("MAIL_OUTBOX"):
        endpoints.discard("notifications.outbox")
    return [(endpoint, label) for endpoint, label in NAVIGATION if endpoint in endpoints]


def url_if_exists(endpoint: str, **values: Any) -> str | None:
    """The URL of `endpoint`, or None when that screen is not in this build (link text only)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def today() -> date:
    return datetime.now(UTC).date()


def format_datetime(value: datetime | None, empty: str = "never") -> str:
    if value is None:
        return empty
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def time_ago(value: datetime | None, empty: str = "never") -> str:
    """A short relative time, e.g. "3 min ago"."""
    if value is None:
        return empty
    seconds = int((datetime.now(UTC) - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def stamp(value: datetime | None) -> str:
    """A moment as a compact token (microseconds), to tell later whether a row changed."""
    return "0" if value is None else f"{value.timestamp():.6f}"
