"""The Thinkific site the dashboard talks to, described without its secrets, and a live test.

Secrets never leave this module whole: at most their last four characters are shown, and only
when the secret is long enough that four characters say little about it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from redis.exceptions import RedisError

from ..database import end_transaction
from ..thinkific.client import client_from_app
from ..thinkific.errors import (
    AuthenticationError,
    ConfigurationError,
    ForbiddenError,
    ThinkificError,
    TransportError,
)
from ..thinkific.transport import RetryPolicy

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
TEST_TIMEOUT = (3.0, 8.0)  # seconds to connect, seconds to wait for the answer
HINT_MIN_LENGTH = 12  # shorter secrets show no characters at all
MAX_BUDGET_WAIT = 2.0  # seconds Test connection may wait for a turn in the request budget


@dataclass(frozen=True)
class Connection:
    api_url: str
    host: str
    subdomain: str | None
    auth_mode: str  # "access_token", "api_key" or "none"
    secret_hint: str  # e.g. "…5f1e", or "" when nothing may be shown
    kind: str  # "thinkific", "emulator" (demo mode) or "other"

    @property
    def demo(self) -> bool:
        return self.kind == "emulator"

    @property
    def school_url(self) -> str | None:
        """The school's own address, when the subdomain is known and this is Thinkific."""
        if self.kind != "thinkific" or not self.subdomain:
            return None
        return f"https://{self.subdomain}.thinkific.com"


def describe(config: Mapping[str, Any]) -> Connection:
    api_url = config["THINKIFIC_API_URL"]
    host = urlsplit(api_url).hostname or ""
    token, key = config.get("THINKIFIC_ACCESS_TOKEN"), config.get("THINKIFIC_API_KEY")
    if token:
        mode, secret = "access_token", token
    elif key and config.get("THINKIFIC_SUBDOMAIN"):
        mode, secret = "api_key", key
    else:
        mode, secret = "none", ""
    return Connection(
        api_url, host, config.get("THINKIFIC_SUBDOMAIN"), mode, hint(secret), _kind(host)
    )


def hint(secret: str) -> str:
    return f"…{secret[-4:]}" if len(secret) >= HINT_MIN_LENGTH else ""


def _kind(host: str) -> str:
    if host in LOOPBACK:
        return "emulator"
    if host == "thinkific.com" or host.endswith(".thinkific.com"):
        return "thinkific"
    return "other"


UNKNOWN_SCHOOL = (
    "The school's address is not known (no THINKIFIC_SUBDOMAIN is set): open Groups in your "
    "Thinkific admin and find “{name}”."
)


@dataclass(frozen=True)
class AdminLink:
    """Where a person makes a change the API cannot: Thinkific's admin, as far as we know it."""

    url: str | None
    note: str


def admin_groups_link(config: Mapping[str, Any], group_name: str) -> AdminLink:
    site = describe(config)
    if site.demo:
        return AdminLink(None, "Demo mode: the Thinkific emulator has no admin pages.")
    if site.school_url is None:
        return AdminLink(None, UNKNOWN_SCHOOL.format(name=group_name))
    return AdminLink(
        f"{site.school_url}/manage/groups",
        f"Opens the Groups list of your Thinkific admin; Thinkific does not document the "
        f"address of one group's page, so find “{group_name}” there.",
    )


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    message: str
    seconds: float = 0.0


def check_connection(app: Flask) -> ConnectionCheck:
    """One cheap read (`GET /groups?limit=1`), with a short timeout and no retries."""
    started = time.monotonic()
    end_transaction()  # no transaction is open while the budget or Thinkific is waited on
    try:
        with client_from_app(app, timeout=TEST_TIMEOUT, retry=RetryPolicy(attempts=1)) as client:
            wait = client.budget.seconds_until_turn()
            if wait > MAX_BUDGET_WAIT:
                return ConnectionCheck(False, _busy(wait))
            groups = client.check_connection()
    except (ThinkificError, RedisError) as error:
        return ConnectionCheck(False, explain(error), time.monotonic() - started)
    noun = "group" if groups == 1 else "groups"
    message = f"Thinkific answered and lists {groups:,} {noun}."
    return ConnectionCheck(True, message, time.monotonic() - started)


def explain(error: Exception) -> str:
    """The client's error, with what it most likely means for the person who set it up."""
    if isinstance(error, AuthenticationError):
        return f"Wrong credentials, or a plan without API access. {error}."
    if isinstance(error, ForbiddenError):
        return f"The plan or the token's scope does not allow this. {error}."
    if isinstance(error, TransportError):
        return f"Thinkific could not be reached. {error}."
    if isinstance(error, ConfigurationError):
        return f"The connection is not configured. {error}."
    if isinstance(error, RedisError):
        return (
            "Redis cannot be reached, and the request budget every process shares lives "
            f"there, so no request was sent ({error})."
        )
    return f"Thinkific answered with an error. {error}."


def _busy(wait: float) -> str:
    return (
        f"The request budget is in use right now (a sync is probably running); a request "
        f"would wait {wait:.0f} s for its turn. Nothing was sent: try again shortly."
    )
