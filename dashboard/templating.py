"""Every template global, filter and context processor, registered here and nowhere else.

Globals are pure: words, formatting and URLs. Whatever a page shows from the database or
Redis, its view computes and passes in (templates do no I/O).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask, current_app, has_request_context, request, url_for
from flask_login import current_user

from .activity import kinds
from .activity import words as activity_words
from .groups.forms import DIRECTIONS
from .groups.status import group_status
from .plurals import count
from .sync_runs import words as run_words
from .sync_runs.live import sync_trigger
from .sync_runs.waiting import waiting_banner
from .text import stamp
from .urls import record_pattern, record_url

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
        url_for=fixed_url_for,
        navigation=navigation,
        htmx_js="js/htmx-4.0.1.min.js",
        today=today,
        record_url=record_url,
        record_pattern=record_pattern,
        run_words=run_words,
        activity_words=activity_words,
        kind_words=kinds.kind_words,
        group_status=group_status,
        sync_directions=DIRECTIONS,
        sync_trigger=sync_trigger,
    )
    app.context_processor(waiting_banner)  # every page: group plans waiting for approval
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["ago"] = time_ago
    app.jinja_env.filters["stamp"] = stamp
    app.jinja_env.filters["count"] = count


def fixed_url_for(endpoint: str, **values: object) -> str:
    """Templates' `url_for`: a link that names only an endpoint (or a static file) is built
    once per app and script root, and then looked up; every page names two dozen of them, at
    ~30 µs a build. Relative endpoints, record ids and the rest are built as usual."""
    if endpoint[0] == "." or (values and values.keys() != {"filename"}):
        return url_for(endpoint, **values)
    if not has_request_context():
        return url_for(endpoint, **values)
    built = current_app.extensions.setdefault("fixed_urls", {})
    key = (request.script_root, endpoint, values.get("filename"))
    url = built.get(key)
    if url is None:
        url = built[key] = url_for(endpoint, **values)
    return url


def navigation() -> list[tuple[str, str]]:
    """The sidebar entries whose screens exist in this build (the routes are read once)."""
    admin = bool(getattr(current_user, "is_admin", False))
    key = (admin, bool(current_app.config.get("MAIL_OUTBOX")))
    entries = current_app.extensions.setdefault("navigation", {})
    if key not in entries:
        entries[key] = _navigation(*key)
    return entries[key]


def _navigation(admin: bool, outbox: bool) -> list[tuple[str, str]]:
    endpoints = {rule.endpoint for rule in current_app.url_map.iter_rules()}
    if not admin:
        endpoints -= ADMIN_ONLY
    if not outbox:
        endpoints.discard("notifications.outbox")
    return [(endpoint, label) for endpoint, label in NAVIGATION if endpoint in endpoints]


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
