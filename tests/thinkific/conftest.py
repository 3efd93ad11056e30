"""The real Thinkific client pointed at the strict emulator, with quick retries for tests."""

from __future__ import annotations

import pytest
import redis

from dashboard.thinkific.client import ThinkificClient
from dashboard.thinkific.transport import RetryPolicy

QUICK_RETRIES = RetryPolicy(attempts=4, backoff_base=0.05, backoff_max=0.2, jitter=0.05)


@pytest.fixture
def redis_connection(redis_url):
    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


@pytest.fixture
def make_thinkific(emulator, redis_connection):
    """`make_thinkific(**options)`: a ThinkificClient for the emulator (API-key auth by default).

    Its budget starts empty; quick retries keep failure tests fast.
    """
    made = []

    def make(**options) -> ThinkificClient:
        api_url = options.pop("api_url", emulator.api_url)
        settings = {
            "api_key": emulator.api_key,
            "subdomain": emulator.subdomain,
            "graphql_url": emulator.graphql_url,
            "redis_connection": redis_connection,
            "rate_limit": 10_000,
            "retry": QUICK_RETRIES,
            "timeout": (5.0, 15.0),
            **options,
        }
        client = ThinkificClient(api_url, **settings)
        client.budget.clear()
        made.append(client)
        return client

    yield make
    for client in made:
        client.budget.clear()
        client.close()


@pytest.fixture
def thinkific(make_thinkific) -> ThinkificClient:
    """A client of the emulated site with API-key auth."""
    return make_thinkific()


@pytest.fixture
def warm(emulator):
    """The strict emulator has loaded its spec (its first request takes seconds): timing tests."""
    emulator.session().get(f"{emulator.api_url}/groups", timeout=60).raise_for_status()
    emulator.control.clear_stats()
