"""Access tests run the real sync against the emulator over HTTP, with a real Redis."""

from __future__ import annotations

import pytest

from tests.sync.helpers import Site


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    """The app pointed at the emulator, neither side's rate limit in the way."""
    emulator.control.configure(rate_limit=100_000)
    return {
        **app_config,
        **thinkific_config,
        "THINKIFIC_RATE_LIMIT": 100_000,
        "SYNC_HEARTBEAT_SECONDS": 3,
    }


@pytest.fixture
def site(emulator, app) -> Site:
    return Site(emulator.control)


@pytest.fixture
def quick_retries(app) -> None:
    app.config["THINKIFIC_RETRY"] = {"attempts": 3, "backoff_base": 0.05, "backoff_max": 0.2}
