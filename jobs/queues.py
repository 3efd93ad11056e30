"""The queues the jobs use (on the app's Redis), taken from the Flask app's config."""

from __future__ import annotations

from rq import Queue

from dashboard.redis_client import get_redis

from . import QUEUES


def queue(name: str = "default") -> Queue:
    return Queue(name, connection=get_redis())


def all_queues() -> list[Queue]:
    return [queue(name) for name in QUEUES]
