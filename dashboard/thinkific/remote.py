"""The sync's Thinkific client: the real client, configured from the app.

Two app-config-only knobs (tests and benchmarks set them; they are not environment variables):
`THINKIFIC_TIMEOUT` — (connect, read) seconds — and `THINKIFIC_RETRY` — the fields of the
client's `RetryPolicy` — override the client's defaults.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from .client import ThinkificClient, client_from_app
from .transport import RetryPolicy


def thinkific_client(on_wait: Callable[[str, float], None] | None = None) -> ThinkificClient:
    """The app's client; `on_wait` is told what each wait on Thinkific is for (a run's status)."""
    config, options = current_app.config, {"on_wait": on_wait}
    if config.get("THINKIFIC_TIMEOUT"):
        options["timeout"] = tuple(config["THINKIFIC_TIMEOUT"])
    if config.get("THINKIFIC_RETRY"):
        options["retry"] = RetryPolicy(**config["THINKIFIC_RETRY"])
    return client_from_app(current_app._get_current_object(), **options)
