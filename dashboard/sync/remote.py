"""The sync's Thinkific client: the real client, configured from the app.

`THINKIFIC_TIMEOUT` (app config only, seconds to connect and to read; tests and benchmarks
shorten it) overrides the client's default timeouts.
"""

from __future__ import annotations

from flask import current_app

from ..thinkific.client import ThinkificClient, client_from_app


def thinkific_client() -> ThinkificClient:
    timeout = current_app.config.get("THINKIFIC_TIMEOUT")
    options = {"timeout": tuple(timeout)} if timeout else {}
    return client_from_app(current_app._get_current_object(), **options)
