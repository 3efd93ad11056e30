"""Preview sync reads Thinkific and spends the request budget every process shares; each
account may start only PREVIEWS_PER_ACCOUNT previews in PREVIEW_WINDOW_MINUTES, counted in
Redis (a moving window of the `limits` library), so no one can drain the budget with it."""

from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import RateLimitItemPerMinute
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

from .redis_client import redis_url


class PreviewRefused(Exception):
    """This account has used its previews for now; the message says when to try again."""

    def __init__(self, allowed: int, minutes: int, wait_seconds: float):
        wait = max(1, math.ceil(wait_seconds / 60))
        super().__init__(
            f"You have used your {allowed} previews for {minutes} minutes (they read Thinkific, "
            f"whose request budget the syncs share). Try again in {wait} minute"
            f"{'s' if wait > 1 else ''}."
        )
        self.wait_seconds = wait_seconds


class PreviewAllowance:
    def __init__(self, app: Flask) -> None:
        self.minutes = app.config["PREVIEW_WINDOW_MINUTES"]
        self.item = RateLimitItemPerMinute(app.config["PREVIEWS_PER_ACCOUNT"], self.minutes)
        self.limiter = MovingWindowRateLimiter(RedisStorage(redis_url(app)))

    def spend(self, account_id: int) -> None:
        """Count one preview of `account_id`, or raise PreviewRefused when none is left."""
        if self.limiter.hit(self.item, "preview", str(account_id)):
            return
        stats = self.limiter.get_window_stats(self.item, "preview", str(account_id))
        raise PreviewRefused(self.item.amount, self.minutes, stats.reset_time - time.time())


def spend_preview(account_id: int) -> None:
    app = current_app._get_current_object()
    if "preview_allowance" not in app.extensions:
        app.extensions["preview_allowance"] = PreviewAllowance(app)
    app.extensions["preview_allowance"].spend(account_id)
