"""Access tests run the real sync against the emulator over HTTP, with a real Redis."""

from __future__ import annotations

import pytest

from tests.fixtures.thinkific import against_emulator


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator, SYNC_HEARTBEAT_SECONDS=3)
