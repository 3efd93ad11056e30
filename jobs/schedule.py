"""Periodic jobs, declared once as data, and the clock process that enqueues them.

The clock is RQ's own cron (`rq.cron.CronScheduler`); it only enqueues, the workers run.
Thinkific has no group webhooks, so this poll is how changes made in Thinkific arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from rq.cron import CronScheduler

from dashboard.access.reading import poll_cost as access_poll_cost
from dashboard.redis_client import get_redis
from dashboard.sync import polling

from . import housekeeping, notification_events, notifications, sync
from .enqueue import ALL_TIMEOUT, SYNC_QUEUE


@dataclass(frozen=True)
class Periodic:
    name: str
    func: Callable[..., Any]
    queue: str
    every: Callable[[Mapping[str, Any]], int]  # seconds, from the app's config
    timeout: int


SCHEDULE = (
    Periodic(
        name="thinkific-poll",
        func=sync.poll,
        queue=SYNC_QUEUE,
        every=lambda config: config["SYNC_INTERVAL_MINUTES"] * 60,
        timeout=ALL_TIMEOUT,
    ),
    Periodic(
        name="activity-purge",
        func=housekeeping.purge_activity,
        queue=SYNC_QUEUE,
        every=lambda config: 24 * 3600,
        timeout=600,
    ),
    Periodic(
        name="notify-open-manual-actions",
        func=notification_events.check_manual_actions,
        queue=notifications.NOTIFY_QUEUE,
        every=lambda config: 24 * 3600,
        timeout=600,
    ),
)


def build_scheduler(app: Flask) -> CronScheduler:
    scheduler = CronScheduler(connection=get_redis(app))
    for job in SCHEDULE:
        scheduler.register(
            job.func,
            queue_name=job.queue,
            interval=job.every(app.config),
            job_timeout=job.timeout,
            name=job.name,
        )
    return scheduler


def run_clock(app: Flask) -> None:
    """Enqueue the periodic jobs until SIGTERM/SIGINT (the `clock` process)."""
    with app.app_context():
        build_scheduler(app).start()


def coverage(config: Mapping[str, Any] | None = None) -> polling.Coverage:
    """How the poll fits the request budget (the Settings page): the period in which every
    synced group is read, course access counted in each poll (`config`: the app's)."""
    return polling.coverage(config or current_app.config, access_poll_cost())
