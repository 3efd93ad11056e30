"""Throttled sign-in, shared by every web process through Redis.

Failed sign-ins are counted per account (the email typed, whether or not an account has it, so
that the throttle tells nothing about which emails exist) and per client address, in a moving
window of the `limits` library. The failure that fills a window locks that account or address
out (`lock_out`); each lock-out within a day doubles the next one's length; a lock ends by
itself when its Redis key expires, or at once with `flask --app wsgi unlock-account EMAIL`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import redis
from flask import Flask, current_app
from limits import RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from ..redis_client import get_redis, redis_url

BURST_MEMORY_SECONDS = 24 * 3600  # lock-outs within this long make the next one longer
MAX_LOCK_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Target:
    """What is throttled: an account (by email) or a client address."""

    kind: str  # "account" or "address"
    value: str

    def key(self, part: str) -> str:
        return f"sign-in:{part}:{self.kind}:{self.value}"


def targets(email: str, address: str) -> list[Target]:
    return [Target("account", email.strip().lower()), Target("address", address)]


class SignInThrottle:
    def __init__(self, app: Flask) -> None:
        minutes = app.config["SIGN_IN_WINDOW_MINUTES"]
        self.window = RateLimitItemPerMinute(app.config["SIGN_IN_MAX_FAILURES"], minutes)
        self.base_lock_seconds = minutes * 60
        self.limiter = MovingWindowRateLimiter(RedisStorage(redis_url(app)))

    @property
    def redis(self) -> redis.Redis:
        return get_redis()

    def wait_seconds(self, targets: list[Target]) -> int:
        """How long until the most locked-out of `targets` may try again (0: now)."""
        waits = [self.redis.ttl(target.key("lock")) for target in targets]
        return max([wait for wait in waits if wait > 0], default=0)

    def record_failure(self, targets: list[Target]) -> int:
        """Count a failed sign-in; returns the wait it caused (0 when none is locked out)."""
        wait = 0
        for target in targets:
            self.limiter.hit(self.window, "sign-in", target.kind, target.value)
            if not self.limiter.test(self.window, "sign-in", target.kind, target.value):
                wait = max(wait, self.lock_out(target))
        return wait

    def lock_out(self, target: Target) -> int:
        """Refuse every sign-in of `target` for a while: the window's length, doubled for
        each earlier lock-out of the last day. Returns the seconds locked. (The one place a
        lock-out happens: record it in the audit trail here.)"""
        bursts = self.redis.incr(target.key("bursts"))
        self.redis.expire(target.key("bursts"), BURST_MEMORY_SECONDS)
        seconds = min(self.base_lock_seconds * 2 ** (bursts - 1), MAX_LOCK_SECONDS)
        self.redis.set(target.key("lock"), "1", ex=seconds)
        self.limiter.clear(self.window, "sign-in", target.kind, target.value)
        current_app.logger.warning(
            "sign-in locked out: %s %s for %ss", target.kind, target.value, seconds
        )
        return seconds

    def unlock(self, target: Target) -> bool:
        """End `target`'s lock-out and forget its failures; returns whether it was locked."""
        locked = self.redis.ttl(target.key("lock")) > 0
        self.redis.delete(target.key("lock"), target.key("bursts"))
        self.limiter.clear(self.window, "sign-in", target.kind, target.value)
        return locked


def throttle() -> SignInThrottle:
    app = current_app._get_current_object()
    if "sign_in_throttle" not in app.extensions:
        app.extensions["sign_in_throttle"] = SignInThrottle(app)
    return app.extensions["sign_in_throttle"]


def try_again_words(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}."
