"""The per-site budget: 429 with RateLimit-Reset in each of its readings (API-NOTES §4)."""

import time

import pytest


@pytest.fixture
def api(emulator):
    return emulator.session()


def exhaust(emulator, api, budget=3):
    emulator.control.configure(rate_limit=budget, rate_limit_window=30)
    statuses = [api.get(f"{emulator.api_url}/groups").status_code for _ in range(budget + 1)]
    assert statuses == [200] * budget + [429]
    return api.get(f"{emulator.api_url}/groups")


def test_over_the_budget_is_429_with_epoch_ms_and_no_retry_after(emulator, api):
    before = time.time()

    response = exhaust(emulator, api)

    assert response.status_code == 429
    assert response.json() == {"error": "Rate limit exceeded"}
    assert "Retry-After" not in response.headers
    reset = int(response.headers["RateLimit-Reset"])
    assert before * 1000 < reset <= (before + 31) * 1000


def test_reset_in_epoch_seconds(emulator, api):
    emulator.control.configure(rate_limit_reset="epoch_s")
    before = time.time()

    reset = int(exhaust(emulator, api).headers["RateLimit-Reset"])

    assert before < reset <= before + 32


def test_reset_as_milliseconds_from_now(emulator, api):
    emulator.control.configure(rate_limit_reset="delta_ms")

    reset = int(exhaust(emulator, api).headers["RateLimit-Reset"])

    assert 0 < reset <= 30_000


def test_retry_after_can_be_sent(emulator, api):
    emulator.control.configure(rate_limit_retry_after=True)

    assert 1 <= int(exhaust(emulator, api).headers["Retry-After"]) <= 30


def test_the_budget_comes_back_after_the_window(emulator, api):
    emulator.control.configure(rate_limit=2, rate_limit_window=0.3)
    for _ in range(3):
        api.get(f"{emulator.api_url}/groups")
    time.sleep(0.35)

    assert api.get(f"{emulator.api_url}/groups").status_code == 200


def test_429s_are_counted_in_the_stats(emulator, api):
    exhaust(emulator, api)

    stats = emulator.control.stats()

    assert stats["rate_limited"] == 2
    assert stats["total_requests"] == 5
    assert stats["per_endpoint"]["GET /groups"] == 5


def test_a_refused_write_changes_nothing(emulator, api):
    exhaust(emulator, api)

    response = api.post(f"{emulator.api_url}/groups", json={"name": "Acme"})

    assert response.status_code == 429
    assert emulator.control.groups() == []
