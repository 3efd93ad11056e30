"""The request budget every process shares, kept in Redis.

Three parts, all keyed by the Thinkific site so that every web, worker and CLI process of the
dashboard draws from the same account:

- a moving window of `rate` requests per `period` seconds (the `limits` library's Redis
  storage): a caller waits for a free slot instead of being answered 429. The window is one
  second longer than the period, so requests that take a little longer to reach Thinkific
  than their neighbours cannot land inside Thinkific's own window;
- a pause: when any process receives a 429, it records "nobody sends before T" and every
  process waits for T (a sorted-set entry updated with ZADD GT, so the latest pause wins);
- at most `max_in_flight` requests in flight *across processes*: leases in a sorted set, each
  expiring on its own so that a killed process cannot keep a slot. Thinkific's limit of 10
  concurrent requests is per site (API-NOTES §4), and one deployment may run many worker
  processes, so a per-process semaphore would not hold it.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import redis
from limits import RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

WINDOW_MARGIN_SECONDS = 1
MIN_429_WAIT, MAX_429_WAIT = 1.0, 60.0
EPOCH_MS, EPOCH_S = 1e12, 1e9
IN_FLIGHT_POLL_SECONDS = 0.02

# Atomically: drop expired leases, then take one if fewer than ARGV[3] remain.
ACQUIRE_LEASE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


class Pause:
    """A shared "nobody sends before T", set by whoever hears a rate-limit answer."""

    def __init__(self, connection: redis.Redis, key: str) -> None:
        self._redis, self._key = connection, key

    def extend(self, seconds: float) -> None:
        """Nobody sends for `seconds` from now (a later pause already set is kept)."""
        pipe = self._redis.pipeline()
        pipe.zadd(self._key, {"until": time.time() + seconds}, gt=True)
        pipe.expire(self._key, int(seconds) + 5)
        pipe.execute()

    def remaining(self) -> float:
        until = self._redis.zscore(self._key, "until")
        return max(0.0, (until or 0.0) - time.time())

    def clear(self) -> None:
        self._redis.delete(self._key)


class InFlightSlots:
    """At most `size` requests in flight at once, across processes (leases that expire)."""

    def __init__(
        self,
        connection: redis.Redis,
        key: str,
        size: int,
        lease_seconds: float,
        sleep: Callable[[float], None],
    ) -> None:
        self._redis, self._key, self.size = connection, key, size
        self._lease_seconds = lease_seconds
        self._acquire = connection.register_script(ACQUIRE_LEASE)
        self._sleep = sleep

    @contextmanager
    def hold(self) -> Iterator[float]:
        """Hold one slot while the block runs; yields the seconds waited for it."""
        lease = uuid.uuid4().hex
        started = time.monotonic()
        while not self._try(lease):
            self._sleep(IN_FLIGHT_POLL_SECONDS * random.uniform(0.5, 1.5))
        try:
            yield time.monotonic() - started
        finally:
            self._redis.zrem(self._key, lease)

    def busy(self) -> int:
        return int(self._redis.zcount(self._key, time.time(), "+inf"))

    def clear(self) -> None:
        self._redis.delete(self._key)

    def _try(self, lease: str) -> bool:
        now = time.time()
        args = [now, now + self._lease_seconds, self.size, lease, int(self._lease_seconds) + 5]
        return bool(self._acquire(keys=[self._key], args=args))


RATE_LIMITED = "rate-limited: Thinkific answered 429"
BUDGET_FULL = "waiting for the request budget"


class SharedBudget:
    """Requests per period, 429 pauses and in-flight slots of one site, shared through Redis."""

    def __init__(
        self,
        connection: redis.Redis,
        site: str,
        *,
        rate: int,
        period: int = 60,
        max_in_flight: int = 10,
        lease_seconds: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[str, float], None] | None = None,
    ) -> None:
        self.key = f"thinkific:{site}"
        self.on_wait = on_wait  # told why and for how long before each wait (a run's status)
        self.rate, self.period = rate, period
        self._item = RateLimitItemPerSecond(rate, period + WINDOW_MARGIN_SECONDS)
        storage = RedisStorage("redis://", connection_pool=connection.connection_pool)
        self._limiter = MovingWindowRateLimiter(storage)
        self.pause = Pause(connection, f"{self.key}:pause")
        self.graphql_pause = Pause(connection, f"{self.key}:graphql-pause")
        self.slots = InFlightSlots(
            connection, f"{self.key}:in-flight", max_in_flight, lease_seconds, sleep
        )
        self._sleep = sleep

    def wait_for_turn(self) -> float:
        """Block until this process may send one request; return the seconds waited."""
        started = time.monotonic()
        while True:
            if (paused := self.pause.remaining()) > 0:
                self._wait(RATE_LIMITED, paused + random.uniform(0, 0.25))
            elif self._limiter.hit(self._item, self.key):
                return time.monotonic() - started
            else:
                self._wait(BUDGET_FULL, self._until_slot_frees() + random.uniform(0.005, 0.05))

    def _wait(self, why: str, seconds: float) -> None:
        if self.on_wait is not None:
            self.on_wait(why, seconds)
        self._sleep(seconds)

    def remaining(self) -> int:
        """Requests that may still be sent in the current window (the Settings page shows it)."""
        return self._limiter.get_window_stats(self._item, self.key).remaining

    def seconds_until_turn(self) -> float:
        """How long a request sent now would wait for its turn; 0 when it may go at once."""
        paused = self.pause.remaining()
        if paused > 0:
            return paused
        return 0.0 if self.remaining() > 0 else self._until_slot_frees()

    def delay_after_429(self, response: Any) -> float:
        """Seconds to pause after `response`, a 429 (read from its `RateLimit-Reset`)."""
        return reset_delay(response.headers.get("RateLimit-Reset"))

    def clear(self) -> None:
        """Forget the window, any pause and any leases (tests, benchmarks)."""
        self._limiter.clear(self._item, self.key)
        self.pause.clear()
        self.graphql_pause.clear()
        self.slots.clear()

    def _until_slot_frees(self) -> float:
        stats = self._limiter.get_window_stats(self._item, self.key)
        return max(0.0, stats.reset_time - time.time())


def reset_delay(header: str | None, now: float | None = None) -> float:
    """Seconds to wait after a 429, from `RateLimit-Reset` in any of its three readings.

    > 1e12 is an epoch in milliseconds (what Thinkific's developer docs and SALOON observe),
    > 1e9 an epoch in seconds, anything smaller a delta in **milliseconds**: the only Thinkific
    page that describes the value as a duration (support.thinkific.dev) says "the amount of
    time (in milliseconds) until the rate limit resets" (API-NOTES §4). A missing or unreadable
    header means a full minute. The result is clamped to [1 s, 60 s]; callers add jitter.
    """
    now = time.time() if now is None else now
    try:
        value = float((header or "").strip())
    except ValueError:
        return MAX_429_WAIT
    if value != value or value < 0:  # NaN or negative
        return MAX_429_WAIT
    if value > EPOCH_MS:
        seconds = value / 1000 - now
    elif value > EPOCH_S:
        seconds = value - now
    else:
        seconds = value / 1000
    return min(MAX_429_WAIT, max(MIN_429_WAIT, seconds))
