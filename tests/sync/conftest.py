"""Sync tests run the real engine against the emulator over HTTP, with a real Redis."""

from __future__ import annotations

import pytest

from .helpers import Site


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    """The app pointed at the emulator; neither side's rate limit slows the tests down (the
    tests about 429s inject them)."""
    emulator.control.configure(rate_limit=100_000)
    return {
        **app_config,
        **thinkific_config,
        "THINKIFIC_RATE_LIMIT": 100_000,
        "SYNC_HEARTBEAT_SECONDS": 3,
    }


@pytest.fixture
def site(emulator, app) -> Site:
    """Thinkific as its own admin UI changes it, with the dashboard app ready beside it."""
    return Site(emulator.control)


@pytest.fixture
def quick_retries(app) -> None:
    """Fewer, shorter retries, so a persistent fault fails a change in well under a second."""
    app.config["THINKIFIC_RETRY"] = {"attempts": 3, "backoff_base": 0.05, "backoff_max": 0.2}
