"""The school-wide side of notifications: the chat webhook URL, the manual-action threshold,
the dashboard's public address for links, and how the last delivery by each channel went."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..config import smtp_server
from ..extensions import db
from ..models import Account, NotificationDelivery, NotificationSettings

SETTINGS_ID = 1
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_URL = 500
MIN_DAYS, MAX_DAYS = 1, 365


class InvalidWebhookUrl(ValueError):
    """A webhook URL the dashboard refuses to save, with the reason in words."""


def current() -> NotificationSettings:
    """The settings row (defaults when no admin saved any yet; not added to the session)."""
    row = db.session.get(NotificationSettings, SETTINGS_ID)
    return row or NotificationSettings(id=SETTINGS_ID, manual_action_days=7)


def save(webhook_url: str | None, days: int, by: Account, seen_at: str) -> NotificationSettings:
    """Store the webhook URL (checked) and the threshold; the caller commits."""
    url = check_webhook_url(webhook_url)
    row = db.session.get(NotificationSettings, SETTINGS_ID)
    if row is None:
        row = NotificationSettings(id=SETTINGS_ID)
        db.session.add(row)
    row.webhook_url, row.manual_action_days, row.updated_by_id = url, days, by.id
    note_address(seen_at, row)
    return row


def note_address(url_root: str, row: NotificationSettings | None = None) -> None:
    """Remember the address an admin used, for links when BASE_URL is not set."""
    row = row or db.session.get(NotificationSettings, SETTINGS_ID)
    if row is None:
        row = NotificationSettings(id=SETTINGS_ID, manual_action_days=7)
        db.session.add(row)
    row.base_url = url_root.rstrip("/")[:255]


def check_webhook_url(value: str | None) -> str | None:
    """A Slack-compatible incoming-webhook URL: https (http only on this machine), a host, no
    spaces. Empty means no chat notifications."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > MAX_URL:
        raise InvalidWebhookUrl(f"The URL is longer than {MAX_URL} characters.")
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        raise InvalidWebhookUrl("That is not a URL (check the host and port).") from None
    if any(c.isspace() for c in value) or parts.scheme not in ("https", "http") or not host:
        raise InvalidWebhookUrl(
            "Enter the full URL of an incoming webhook, starting with https:// "
            "(e.g. https://hooks.slack.com/services/…)."
        )
    if parts.scheme == "http" and host not in LOOPBACK:
        raise InvalidWebhookUrl("Use https:// (plain http:// is allowed only for this machine).")
    return value


def base_url(config: Mapping[str, Any] | None = None) -> str:
    """Where links in messages point: BASE_URL, else the address an admin last used to save
    notification settings, else this machine's port (development)."""
    config = config or current_app.config
    if config.get("BASE_URL"):
        return config["BASE_URL"]
    seen = db.session.scalar(
        select(NotificationSettings.base_url).where(NotificationSettings.id == SETTINGS_ID)
    )
    return seen or f"http://127.0.0.1:{config.get('PORT', 5000)}"


def email_enabled(config: Mapping[str, Any] | None = None) -> bool:
    return bool((config or current_app.config).get("SMTP_URL"))


def smtp_description(config: Mapping[str, Any]) -> str | None:
    """SMTP_URL without its password: `host:port (STARTTLS), as user`."""
    if not config.get("SMTP_URL"):
        return None
    server = smtp_server(config["SMTP_URL"])
    security = {"none": "no TLS", "starttls": "STARTTLS", "tls": "TLS"}[server.security]
    who = f", as {server.username}" if server.username else ""
    return f"{server.host}:{server.port} ({security}){who}"


@dataclass(frozen=True)
class LastDelivery:
    channel: str
    ok: bool
    at: datetime
    error: str | None
    attempts: int
    gave_up: bool  # every retry was spent: no further attempt comes


def last_delivery(channel: str) -> LastDelivery | None:
    """How the most recent delivery attempt by `channel` went (for Settings)."""
    row = db.session.scalar(
        select(NotificationDelivery)
        .where(
            NotificationDelivery.channel == channel,
            NotificationDelivery.last_attempt_at.is_not(None),
        )
        .order_by(NotificationDelivery.last_attempt_at.desc(), NotificationDelivery.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    ok = row.sent_at is not None
    gave_up = not ok and row.attempts > len(current_app.config["NOTIFY_RETRY_SECONDS"])
    return LastDelivery(
        channel, ok, row.sent_at or row.last_attempt_at, row.last_error, row.attempts, gave_up
    )
