"""Fault injection: each kind, by rate (seeded) and by schedule, filtered by method and path."""

import json
import time

import pytest
import requests


@pytest.fixture
def api(emulator):
    return emulator.session()


def get_groups(emulator, api):
    return api.get(f"{emulator.api_url}/groups", timeout=10)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors(emulator, api, status):
    emulator.control.add_fault("server_error", status=status, nth=[1])

    first, second = get_groups(emulator, api), get_groups(emulator, api)

    assert (first.status_code, second.status_code) == (status, 200)


@pytest.mark.parametrize("status", [520, 522, 524, 527])
def test_cloudflare_pages_are_html(emulator, api, status):
    emulator.control.add_fault("cloudflare", status=status, times=1)

    response = get_groups(emulator, api)

    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert f"Error {status}" in response.text
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_a_fault_on_a_write_happens_before_the_write(emulator, api):
    emulator.control.add_fault("server_error", method="POST", path="*/groups", times=1)

    response = api.post(f"{emulator.api_url}/groups", json={"name": "Acme"})

    assert response.status_code == 503
    assert emulator.control.groups() == []


def test_slow_answers_wait_then_answer(emulator, api):
    emulator.control.add_fault("slow", delay=0.5, times=1)

    started = time.monotonic()
    response = get_groups(emulator, api)

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.5


def test_a_slow_answer_makes_a_client_time_out(emulator, api):
    emulator.control.add_fault("slow", delay=1.0, times=1)

    with pytest.raises(requests.Timeout):
        api.get(f"{emulator.api_url}/groups", timeout=0.2)


def test_dropped_connections_give_no_response(emulator, api):
    emulator.control.add_fault("drop", nth=[1])

    with pytest.raises(requests.ConnectionError):
        get_groups(emulator, api)
    assert get_groups(emulator, api).status_code == 200


def test_malformed_json_keeps_the_status(emulator, api):
    emulator.control.create_group("Acme")
    emulator.control.add_fault("malformed_json", path="*/groups", times=1)

    response = get_groups(emulator, api)

    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_a_429_storm_answers_429_with_reset(emulator, api):
    emulator.control.add_fault("rate_limit", times=3, reset_after=2)

    statuses = [get_groups(emulator, api).status_code for _ in range(4)]

    assert statuses == [429, 429, 429, 200]
    assert emulator.control.stats()["rate_limited"] == 3


def test_the_storm_honours_the_reset_reading(emulator, api):
    emulator.control.configure(rate_limit_reset="delta_ms")
    emulator.control.add_fault("rate_limit", times=1, reset_after=2)

    reset = int(get_groups(emulator, api).headers["RateLimit-Reset"])

    assert 1000 < reset <= 2000


def test_faults_filter_by_method_and_path(emulator, api):
    emulator.control.add_fault("server_error", method="GET", path="/api/public/v1/users*")

    assert get_groups(emulator, api).status_code == 200
    assert api.get(f"{emulator.api_url}/users").status_code == 503
    assert api.post(f"{emulator.api_url}/groups", json={"name": "A"}).status_code == 200


def statuses_with_rate(emulator, api, rate):
    emulator.control.reset()
    emulator.control.add_fault("server_error", rate=rate)
    return [get_groups(emulator, api).status_code for _ in range(40)]


def test_a_rate_is_a_probability_drawn_from_a_seeded_rng(emulator, api):
    first = statuses_with_rate(emulator, api, 0.3)
    second = statuses_with_rate(emulator, api, 0.3)

    assert first == second
    assert 4 <= first.count(503) <= 20


def test_faults_are_listed_and_cleared(emulator, api):
    emulator.control.add_fault("server_error", nth=[2, 3])
    get_groups(emulator, api)
    get_groups(emulator, api)

    (fault,) = emulator.control.faults()
    emulator.control.clear_faults()

    assert (fault["seen"], fault["fired"]) == (2, 1)
    assert get_groups(emulator, api).status_code == 200
    assert emulator.control.stats()["faults"] == {"server_error": 1}


@pytest.mark.parametrize(
    "rule",
    [
        {"kind": "meteor"},
        {"kind": "server_error", "status": 418},
        {"kind": "cloudflare", "status": 503},
        {"kind": "server_error", "rate": 2},
        {"kind": "server_error", "nth": [0]},
        {"kind": "slow", "delay": -1},
        {"kind": "drop", "colour": "red"},
    ],
)
def test_bad_fault_rules_are_refused(emulator, rule):
    kind = rule.pop("kind")

    with pytest.raises(requests.HTTPError, match="400"):
        emulator.control.add_fault(kind, **rule)

    assert emulator.control.faults() == []
