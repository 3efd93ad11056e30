"""The request budget shared through a real Redis: window, 429 pause, in-flight slots."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import redis

from dashboard.thinkific.budget import SharedBudget


@pytest.fixture
def connection(redis_url):
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def budget(connection, site, **options):
    return SharedBudget(connection, site, **{"rate": 3, "period": 1, **options})


def test_a_caller_waits_for_budget_instead_of_going_over(connection):
    shared = budget(connection, uuid.uuid4().hex)
    waits = [shared.wait_for_turn() for _ in range(4)]
    assert max(waits[:3]) < 0.1
    assert waits[3] >= 1.9  # the window (period + 1 s margin) had to free a slot


def test_two_clients_of_one_site_share_one_window(connection):
    site = uuid.uuid4().hex
    first, second = budget(connection, site), budget(connection, site)
    for _ in range(3):
        first.wait_for_turn()
    assert second.wait_for_turn() >= 1.9


def test_a_429_pauses_every_client_of_the_site(connection):
    site = uuid.uuid4().hex
    budget(connection, site, rate=100).pause.extend(1.5)
    started = time.monotonic()
    budget(connection, site, rate=100).wait_for_turn()
    assert time.monotonic() - started >= 1.5


def test_a_later_pause_is_kept_when_a_shorter_one_arrives(connection):
    shared = budget(connection, uuid.uuid4().hex)
    shared.pause.extend(5)
    shared.pause.extend(1)
    assert shared.pause.remaining() > 4


def test_in_flight_slots_hold_across_clients(connection):
    site, released = uuid.uuid4().hex, threading.Event()
    holder = budget(connection, site, max_in_flight=1)

    def hold_then_release():
        with holder.slots.hold():
            released.wait(5)

    thread = threading.Thread(target=hold_then_release)
    thread.start()
    while holder.slots.busy() == 0:
        time.sleep(0.01)
    threading.Timer(0.5, released.set).start()
    with budget(connection, site, max_in_flight=1).slots.hold() as waited:
        assert waited >= 0.45
    thread.join()


def test_a_slot_left_by_a_killed_process_expires(connection):
    site = uuid.uuid4().hex
    dead = budget(connection, site, max_in_flight=1, lease_seconds=0.5)
    dead.slots._try("lease-of-a-killed-process")
    with budget(connection, site, max_in_flight=1).slots.hold() as waited:
        assert 0.3 <= waited < 2
