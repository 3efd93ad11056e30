"""The real Thinkific Admin API client (API-NOTES §1 to §11).

    client = client_from_app(app)            # or ThinkificClient(api_url, api_key=..., ...)
    for group in client.iter_groups(): ...
    client.stats                             # calls, 429s, retries, time waited

Operations live in `operations.py` (groups, members, users), `catalog.py` (courses,
enrollments) and `graphql.py` (member removal); this module builds the client and its request
helpers.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterator
from importlib import metadata
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
from flask import Flask

from ..config import PROJECT_ROOT, REMOVAL_MODES, THINKIFIC_GRAPHQL_URL
from ..redis_client import get_redis
from .budget import SharedBudget
from .catalog import CatalogOperations
from .errors import ConfigurationError
from .graphql import RemovalOperations
from .operations import GroupOperations, UserOperations
from .pagination import PAGE_SIZE, paginate
from .transport import CallStats, RetryPolicy, Transport

T = TypeVar("T")
DEFAULT_TIMEOUT = (5.0, 30.0)  # seconds to connect, seconds between bytes of the answer


class ThinkificClient(GroupOperations, UserOperations, CatalogOperations, RemovalOperations):
    """One Thinkific site: typed operations over one pooled session and the shared budget."""

    def __init__(
        self,
        api_url: str,
        *,
        redis_connection: redis.Redis,
        api_key: str | None = None,
        subdomain: str | None = None,
        access_token: str | None = None,
        graphql_url: str = THINKIFIC_GRAPHQL_URL,
        removals: str = "manual",
        rate_limit: int = 120,
        rate_period: int = 60,
        max_in_flight: int = 10,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        user_agent: str | None = None,
        on_wait: Callable[[str, float], None] | None = None,
    ) -> None:
        if removals not in REMOVAL_MODES:
            raise ConfigurationError(f"removals must be one of {', '.join(REMOVAL_MODES)}")
        self.api_url = api_url.rstrip("/")
        self.graphql_url = graphql_url
        self.removals = removals
        self.site = site_key(self.api_url, subdomain, access_token)
        self.auth_mode = "token" if access_token else "api_key"
        self._access_token = access_token
        budget = SharedBudget(
            redis_connection,
            self.site,
            rate=rate_limit,
            period=rate_period,
            max_in_flight=max_in_flight,
            lease_seconds=sum(timeout) + 30,
            on_wait=on_wait,
        )
        headers = auth_headers(api_key, subdomain, access_token)
        headers.update(
            {"User-Agent": user_agent or default_user_agent(), "Accept": "application/json"}
        )
        self._transport = Transport(
            headers, budget, timeout=timeout, retry=retry or RetryPolicy(), on_wait=on_wait
        )

    # -- counters ---------------------------------------------------------------------------

    @property
    def stats(self) -> CallStats:
        """Calls made, 429s received, retries and seconds waited, since creation or reset."""
        return self._transport.stats

    def reset_stats(self) -> None:
        self._transport.reset_stats()

    @property
    def budget(self) -> SharedBudget:
        return self._transport.budget

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ThinkificClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- request helpers used by the operations ----------------------------------------------

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._transport.request("GET", self._url(path), params=params)

    def _post(self, path: str, body: Any, *, idempotent: bool) -> Any:
        return self._transport.request("POST", self._url(path), json=body, idempotent=idempotent)

    def _put(self, path: str, body: Any) -> Any:
        return self._transport.request("PUT", self._url(path), json=body)

    def _delete(self, path: str) -> Any:
        return self._transport.request("DELETE", self._url(path))

    def _iterate(
        self, path: str, parse: Callable[[Any], T], params: dict[str, Any] | None = None
    ) -> Iterator[T]:
        """Every item of a collection, parsed, fetched 250 at a time as the caller consumes."""
        query = dict(params or {}, limit=PAGE_SIZE)
        pages = paginate(lambda page: self._get(path, {**query, "page": page}), path)
        return (parse(item) for item in pages)

    def _verified_create(self, send: Callable[[], T], find: Callable[[], T | None]) -> T:
        return self._transport.verified_create(send, find)

    def _url(self, path: str) -> str:
        return f"{self.api_url}{path}"


def client_from_app(app: Flask, **overrides: Any) -> ThinkificClient:
    """A client configured from the app's THINKIFIC_* settings, sharing the app's Redis."""
    config = app.config
    options: dict[str, Any] = {
        "api_key": config.get("THINKIFIC_API_KEY"),
        "subdomain": config.get("THINKIFIC_SUBDOMAIN"),
        "access_token": config.get("THINKIFIC_ACCESS_TOKEN"),
        "graphql_url": config.get("THINKIFIC_GRAPHQL_URL") or THINKIFIC_GRAPHQL_URL,
        "removals": config.get("THINKIFIC_REMOVALS", "manual"),
        "rate_limit": config.get("THINKIFIC_RATE_LIMIT", 120),
        "redis_connection": get_redis(app),
    }
    return ThinkificClient(config["THINKIFIC_API_URL"], **{**options, **overrides})


def auth_headers(
    api_key: str | None, subdomain: str | None, access_token: str | None
) -> dict[str, str]:
    """Bearer when an access token is set (it wins), otherwise the API key and subdomain."""
    if access_token:
        return {"Authorization": f"Bearer {access_token}"}
    if api_key and subdomain:
        return {"X-Auth-API-Key": api_key, "X-Auth-Subdomain": subdomain}
    raise ConfigurationError(
        "Thinkific credentials are missing: set THINKIFIC_ACCESS_TOKEN, or THINKIFIC_API_KEY "
        "with THINKIFIC_SUBDOMAIN"
    )


def site_key(api_url: str, subdomain: str | None, access_token: str | None) -> str:
    """Names the site's shared budget: the same for every process configured for the site."""
    host = urlsplit(api_url).netloc or api_url
    if subdomain:
        return f"{subdomain}@{host}"
    digest = hashlib.sha256((access_token or "").encode()).hexdigest()[:16]
    return f"token-{digest}@{host}"


def default_user_agent() -> str:
    return f"B2BDashboard/{_version()} (Thinkific groups sync; python-requests)"


def _version() -> str:
    try:
        return metadata.version("b2b-dashboard")
    except metadata.PackageNotFoundError:
        with open(PROJECT_ROOT / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
