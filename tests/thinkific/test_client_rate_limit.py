"""Thinkific's 429s honoured in every reading of RateLimit-Reset, and the budget shared by all."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest

from dashboard.config import PROJECT_ROOT
from dashboard.thinkific.errors import RateLimitedError
from dashboard.thinkific.transport import RetryPolicy

GROUP_PATHS = "/api/public/v1/groups/*"


@pytest.fixture
def acme(emulator):
    return emulator.control.seed(groups=[{"name": "Acme"}])["groups"][0]


@pytest.mark.parametrize(
    ("reading", "body"),
    [
        ("epoch_ms", "json"),
        ("epoch_s", "json"),
        ("delta_ms", "json"),
        ("epoch_ms", "html"),
        ("delta_ms", "empty"),
    ],
)
@pytest.mark.usefixtures("warm")
def test_a_429_is_waited_out_until_the_reset_it_names(thinkific, emulator, acme, reading, body):
    emulator.control.configure(rate_limit_reset=reading, rate_limit_body=body)
    emulator.control.add_fault("rate_limit", path=GROUP_PATHS, nth=[1], reset_after=1.5)
    started = time.monotonic()

    assert thinkific.get_group(acme["id"]).name == "Acme"

    waited = time.monotonic() - started
    assert 1.3 <= waited < 4.5  # the reset (epoch seconds round up), plus up to 1.25 s jitter
    assert (thinkific.stats.rate_limited, thinkific.stats.calls) == (1, 2)
    assert thinkific.stats.budget_wait_seconds >= 1.3


def test_a_429_pauses_the_other_clients_of_the_site_too(make_thinkific, emulator, acme):
    first, second = make_thinkific(), make_thinkific()
    emulator.control.add_fault("rate_limit", path=GROUP_PATHS, nth=[1], reset_after=2)
    worker = threading.Thread(target=first.get_group, args=(acme["id"],))
    worker.start()
    while first.stats.rate_limited == 0:  # counted once the pause is recorded in Redis
        time.sleep(0.01)
    started = time.monotonic()

    second.get_group(acme["id"])

    assert time.monotonic() - started >= 1.0
    worker.join()
    assert emulator.control.stats()["rate_limited"] == 1  # the second client never hit it
    assert second.stats.rate_limited == 0


def test_a_429_storm_ends_in_a_clear_error(make_thinkific, emulator, acme):
    client = make_thinkific(retry=RetryPolicy(attempts=3, backoff_base=0.05))
    emulator.control.add_fault("rate_limit", path=GROUP_PATHS, reset_after=0)

    with pytest.raises(RateLimitedError, match=r"rate limited \(429 on GET .*after 3 attempts"):
        client.get_group(acme["id"])

    assert client.stats.rate_limited == 3
    assert client.stats.budget_wait_seconds >= 2.0  # at least a second after each 429


def test_the_clients_own_limit_keeps_it_under_thinkifics(make_thinkific, emulator, acme):
    emulator.control.configure(rate_limit=5, rate_limit_window=2)
    client = make_thinkific(rate_limit=5, rate_period=2)
    started = time.monotonic()

    for _ in range(11):
        client.get_group(acme["id"])

    assert emulator.control.stats()["rate_limited"] == 0
    assert time.monotonic() - started >= 2 * 2  # 11 requests at 5 per 2 s: two windows waited
    assert client.stats.budget_wait_seconds >= 4


WORKER = """
import dataclasses, json, sys
import redis
from dashboard.thinkific.client import ThinkificClient
api_url, key, subdomain, redis_url, rate, period, count, group_id = sys.argv[1:]
client = ThinkificClient(
    api_url, api_key=key, subdomain=subdomain, redis_connection=redis.Redis.from_url(redis_url),
    rate_limit=int(rate), rate_period=int(period),
)
for _ in range(int(count)):
    client.get_group(int(group_id))
print(json.dumps(dataclasses.asdict(client.stats)))
"""


def test_two_processes_share_one_budget(emulator, redis_url, acme, make_thinkific):
    rate, period, each = 6, 2, 9
    emulator.control.configure(rate_limit=rate, rate_limit_window=period)
    make_thinkific(rate_limit=rate, rate_period=period)  # empties the site's shared budget
    args = [emulator.api_url, emulator.api_key, emulator.subdomain, redis_url]
    args += [str(rate), str(period), str(each), str(acme["id"])]
    env = {"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"}
    started = time.monotonic()

    command = [sys.executable, "-c", WORKER, *args]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    workers = [subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, **pipes) for _ in range(2)]
    results = [worker.communicate(timeout=120) for worker in workers]

    elapsed = time.monotonic() - started
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in results]
    stats = [json.loads(out) for out, _ in results]
    assert sum(s["calls"] for s in stats) == 2 * each
    assert sum(s["rate_limited"] for s in stats) == 0
    assert emulator.control.stats()["rate_limited"] == 0
    lower_bound = (-(-2 * each // rate) - 1) * period  # 18 requests at 6 per 2 s: 3 windows
    assert elapsed >= lower_bound
    assert max(s["budget_wait_seconds"] for s in stats) >= period
