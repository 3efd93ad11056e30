"""The per-site request budget (API-NOTES §4): N requests per window, then 429 + RateLimit-Reset."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from .replies import ApiError

SITE = "site"
HTML_429 = (
    "<html><head><title>429 Too Many Requests</title></head>"
    "<body><h1>429 Too Many Requests</h1></body></html>"
)


class SiteLimiter:
    """A fixed window per site; the window opens with the first request after the last one ends."""

    def __init__(self) -> None:
        self.storage = MemoryStorage()
        self.limiter = FixedWindowRateLimiter(self.storage)

    def reset(self) -> None:
        self.storage.reset()

    def spend(self, cost: int, budget: int, window: float) -> tuple[bool, int, float]:
        """Take `cost` from a budget per window: (allowed, remaining, reset epoch seconds)."""
        item = RateLimitItemPerSecond(budget, window)
        allowed = cost <= 0 or self.limiter.hit(item, SITE, cost=cost)
        stats = self.limiter.get_window_stats(item, SITE)
        return allowed, stats.remaining, stats.reset_time

    def check(self, switches: Mapping[str, Any]) -> None:
        """Count one request; raise the 429 when the window's budget is spent."""
        item = RateLimitItemPerSecond(switches["RATE_LIMIT"], switches["RATE_LIMIT_WINDOW"])
        if not self.limiter.hit(item, SITE):
            reset_at = self.limiter.get_window_stats(item, SITE).reset_time
            raise too_many_requests(reset_at, switches)


def reset_header(reset_at: float, reading: str, now: float | None = None) -> str:
    """`RateLimit-Reset` in one of its three observed readings."""
    now = time.time() if now is None else now
    if reading == "epoch_s":
        return str(math.ceil(reset_at))
    if reading == "delta_ms":
        return str(max(0, math.ceil((reset_at - now) * 1000)))
    return str(math.ceil(reset_at * 1000))


def too_many_requests(reset_at: float, switches: Mapping[str, Any]) -> ApiError:
    headers = {"RateLimit-Reset": reset_header(reset_at, switches["RATE_LIMIT_RESET"])}
    if switches["RATE_LIMIT_RETRY_AFTER"]:
        headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
    kind = switches["RATE_LIMIT_BODY"]
    if kind == "html":
        return ApiError(429, HTML_429, headers=headers, html=True)
    return ApiError(
        429, {"error": "Rate limit exceeded"} if kind == "json" else None, headers=headers
    )
