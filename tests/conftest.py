"""Shared fixtures: each area keeps its own in tests/fixtures/ and is listed here."""

pytest_plugins = [
    "tests.fixtures.services",
    "tests.fixtures.app",
    "tests.fixtures.browser",
    "tests.fixtures.thinkific",
    "tests.fixtures.workers",
    "tests.fixtures.transactions",
]
