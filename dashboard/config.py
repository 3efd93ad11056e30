"""Settings from the environment: the only module that reads os.environ.

`settings_from_env()` turns environment variables into Flask config keys. Tests and tools pass
a mapping to `create_app` instead of patching the environment.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
