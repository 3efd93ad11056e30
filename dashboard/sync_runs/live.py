"""Live status without holding a web worker: short polls, only while something runs.

A page that shows a queued or running sync renders a small fragment that asks for itself
again every `poll_interval()`; the answer carries that trigger only while the work is active,
so polling stops on its own once everything is idle. An idle fragment asks once more when its
tab or window comes back into view (`sync_trigger`), so a sync started elsewhere — by the
clock, a webhook or another admin — shows up without an idle page ever polling. Each poll is
one quick request.

Runs whose worker died are found as the polls ask (`dashboard.runs.progress`).
"""

from __future__ import annotations

from flask import current_app

DEFAULT_POLL_SECONDS = 2.0
CATCH_UP = "visibilitychange[document.visibilityState==='visible'] from:document, focus from:window"


def poll_interval() -> str:
    """The `every …` of a polling fragment (app config SYNC_STATUS_POLL_SECONDS)."""
    seconds = float(current_app.config.get("SYNC_STATUS_POLL_SECONDS", DEFAULT_POLL_SECONDS))
    return f"{int(seconds * 1000)}ms"


def sync_trigger(live: bool) -> str:
    """The `hx-trigger` of a status fragment: a poll while something is live, else a catch-up
    when the page is looked at again (pair it with `hx-sync="this:drop"`: both events fire)."""
    return f"every {poll_interval()}" if live else CATCH_UP
