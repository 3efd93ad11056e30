"""Settings from the environment: the only module that reads os.environ.

`settings_from_env()` turns environment variables into Flask config keys. Tests and tools pass
a mapping to `create_app` instead of patching the environment.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
THINKIFIC_API_URL = "https://api.thinkific.com/api/public/v1"
THINKIFIC_GRAPHQL_URL = "https://api.thinkific.com/stable/graphql"
REMOVAL_MODES = ("manual", "graphql")


class ConfigError(ValueError):
    """An environment variable holds a value the app cannot run with."""


def settings_from_env(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read every setting the app knows from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    production = _is_production(env)
    instance = Path(env.get("INSTANCE_PATH") or DEFAULT_INSTANCE)
    return {
        "ENV_NAME": "production" if production else "development",
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": _secret_key(env, production),
        **cookie_settings(production),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance),
        "REDIS_URL": env.get("REDIS_URL") or None,
        **thinkific_settings(env),
        **sync_settings(env),
        "ACTIVITY_RETENTION_DAYS": _int(env, "ACTIVITY_RETENTION_DAYS", 365, minimum=1),
        **sign_in_settings(env),
        **notification_settings(env),
        "PROXY_COUNT": _int(env, "PROXY_COUNT", 1 if production else 0, minimum=0),
        "ADMIN_EMAIL": env.get("ADMIN_EMAIL") or None,
        "ADMIN_PASSWORD": env.get("ADMIN_PASSWORD") or None,
        "PORT": _int(env, "PORT", 5000, minimum=1),
    }


def cookie_settings(production: bool) -> dict[str, Any]:
    """Session cookies: HTTP-only and same-site always; HTTPS-only in production."""
    return {
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }


def thinkific_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Connection settings for the Thinkific Admin API (DESIGN §1 configuration)."""
    removals = env.get("THINKIFIC_REMOVALS", "manual").strip().lower() or "manual"
    if removals not in REMOVAL_MODES:
        raise ConfigError(f"THINKIFIC_REMOVALS must be one of {', '.join(REMOVAL_MODES)}")
    api_key = env.get("THINKIFIC_API_KEY") or None
    return {
        "THINKIFIC_API_URL": (env.get("THINKIFIC_API_URL") or THINKIFIC_API_URL).rstrip("/"),
        "THINKIFIC_API_KEY": api_key,
        "THINKIFIC_SUBDOMAIN": env.get("THINKIFIC_SUBDOMAIN") or None,
        "THINKIFIC_ACCESS_TOKEN": env.get("THINKIFIC_ACCESS_TOKEN") or None,
        "THINKIFIC_GRAPHQL_URL": env.get("THINKIFIC_GRAPHQL_URL") or THINKIFIC_GRAPHQL_URL,
        "THINKIFIC_REMOVALS": removals,
        "THINKIFIC_RATE_LIMIT": _int(env, "THINKIFIC_RATE_LIMIT", 120, minimum=1),
        "THINKIFIC_WEBHOOK_SECRET": env.get("THINKIFIC_WEBHOOK_SECRET") or api_key,
        # Webhook deliveries less than this many seconds apart share their follow-up runs
        # (0: each delivery is followed up at once).
        "WEBHOOK_COALESCE_SECONDS": _int(env, "WEBHOOK_COALESCE_SECONDS", 5, minimum=0),
    }


def sync_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Schedule and safety limits of the sync (DESIGN §4.5, §4.6)."""
    return {
        "SYNC_INTERVAL_MINUTES": _int(env, "SYNC_INTERVAL_MINUTES", 10, minimum=1),
        "SYNC_REMOVAL_LIMIT": _int(env, "SYNC_REMOVAL_LIMIT", 10, minimum=0),
        "SYNC_REMOVAL_LIMIT_PERCENT": _int(
            env, "SYNC_REMOVAL_LIMIT_PERCENT", 20, minimum=0, maximum=100
        ),
    }


def sign_in_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """How long a sign-in lasts, how many failed sign-ins lock out, how often one may preview."""
    return {
        "SESSION_IDLE_HOURS": _int(env, "SESSION_IDLE_HOURS", 12, minimum=1),
        "SESSION_MAX_DAYS": _int(env, "SESSION_MAX_DAYS", 7, minimum=1),
        "SIGN_IN_MAX_FAILURES": _int(env, "SIGN_IN_MAX_FAILURES", 5, minimum=1),
        "SIGN_IN_WINDOW_MINUTES": _int(env, "SIGN_IN_WINDOW_MINUTES", 15, minimum=1),
        "PREVIEWS_PER_ACCOUNT": _int(env, "PREVIEWS_PER_ACCOUNT", 5, minimum=1),
        "PREVIEW_WINDOW_MINUTES": _int(env, "PREVIEW_WINDOW_MINUTES", 5, minimum=1),
    }


# SMTP_URL schemes: how the connection is secured, and the port when the URL names none.
SMTP_SCHEMES = {"smtp": ("none", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
MAIL_FROM = "B2B Dashboard <dashboard@localhost>"


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str  # "none", "starttls" or "tls" (SMTP_SCHEMES)
    username: str | None
    password: str | None


def notification_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Where notifications go out (DESIGN §7): SMTP, the sender, the dashboard's address."""
    smtp_url = (env.get("SMTP_URL") or "").strip() or None
    if smtp_url:
        smtp_server(smtp_url)  # refused at start-up when malformed
    return {
        "SMTP_URL": smtp_url,
        "MAIL_FROM": mail_from(env.get("MAIL_FROM")),
        "BASE_URL": base_url(env.get("BASE_URL")),
        # A Maildir of the mail `make run`'s local SMTP catcher received (the Outbox screen).
        "MAIL_OUTBOX": env.get("MAIL_OUTBOX") or None,
        "NOTIFY_DIGEST_SECONDS": 60 * _int(env, "NOTIFY_DIGEST_MINUTES", 15, minimum=1),
        "NOTIFY_GATHER_SECONDS": 5,  # the first event of a kind waits this long for others
        "NOTIFY_RETRY_SECONDS": [30, 120, 600, 1800, 3600],  # back-off of a failed delivery
    }


def smtp_server(url: str) -> SmtpServer:
    """Parse SMTP_URL: `smtp://` (no TLS), `smtp+starttls://` or `smtps://`, with an optional
    `user:password@` (percent-encoded) and port."""
    shown = f"{url.split('://')[0]}://…@{url.rsplit('@', 1)[1]}" if "@" in url else url
    parts = urlsplit(url)
    if parts.scheme not in SMTP_SCHEMES:
        schemes = ", ".join(f"{scheme}://" for scheme in SMTP_SCHEMES)
        raise ConfigError(f"SMTP_URL must start with one of {schemes} (got {shown!r})")
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"SMTP_URL has a port that is not a number: {shown!r}") from None
    if not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ConfigError(
            f"SMTP_URL must be like smtp+starttls://user:password@host:587, not {shown!r}"
        )
    security, default_port = SMTP_SCHEMES[parts.scheme]
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpServer(parts.hostname, port or default_port, security, user, password)


def mail_from(value: str | None) -> str:
    value = (value or "").strip() or MAIL_FROM
    _, address = parseaddr(value)
    if "@" not in address or any(c in value for c in "\r\n"):
        raise ConfigError(f"MAIL_FROM must be an email address, like {MAIL_FROM}, not {value!r}")
    return value


def base_url(value: str | None) -> str | None:
    """The dashboard's public address, for links in notifications (no trailing slash)."""
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(f"BASE_URL must be like https://dashboard.example.com, not {value!r}")
    return value.rstrip("/")


def thinkific_configured(config: Mapping[str, Any]) -> bool:
    """Whether credentials for a real Thinkific site are set (otherwise demo mode)."""
    has_key = config.get("THINKIFIC_API_KEY") and config.get("THINKIFIC_SUBDOMAIN")
    return bool(config.get("THINKIFIC_ACCESS_TOKEN") or has_key)


def database_url(value: str | None, instance: Path) -> str:
    """Return a SQLAlchemy URL, accepting Heroku's `postgres://` spelling."""
    if not value:
        return f"sqlite:///{instance / 'dashboard.sqlite3'}"
    if value.startswith("postgres://"):
        value = "postgresql://" + value.removeprefix("postgres://")
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
    return value


def _is_production(env: Mapping[str, str]) -> bool:
    return env.get("APP_ENV", "").lower() == "production" or "DYNO" in env


def _secret_key(env: Mapping[str, str], production: bool) -> str:
    key = env.get("SECRET_KEY")
    if key:
        return key
    if production:
        raise ConfigError("SECRET_KEY must be set in production")
    return secrets.token_hex(32)


def _int(
    env: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int | None = None
) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum or (maximum is not None and value > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ConfigError(f"{name} must be at least {minimum}{upper}, not {value}")
    return value
