"""The app's one connection to Redis (queues, live status, the shared Thinkific budget)."""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Flask, current_app

from . import embedded_redis


def init_app(app: Flask) -> None:
    app.extensions["redis"] = None


def redis_url(app: Flask | None = None) -> str:
    """The configured REDIS_URL, or the embedded server's (started on first use)."""
    app = app or current_app
    url = app.config.get("REDIS_URL")
    if not url:
        url = embedded_redis.start(Path(app.config["INSTANCE_PATH"]) / "redis")
        app.config["REDIS_URL"] = url
    return url


def connect(url: str) -> redis.Redis:
    """A client for `url`; `rediss://` accepts self-signed certificates as Heroku Redis gives."""
    options: dict = {"health_check_interval": 30}
    if url.startswith("rediss://"):
        options["ssl_cert_reqs"] = None
    return redis.Redis.from_url(url, **options)


def get_redis(app: Flask | None = None) -> redis.Redis:
    app = app or current_app
    client = app.extensions.get("redis")
    if client is None:
        client = app.extensions["redis"] = connect(redis_url(app))
    return client
