"""Live status without holding a web worker: short polls, only while something runs.

A page that shows a queued or running sync renders a small fragment that asks for itself
again every `poll_interval()`; the answer carries that trigger only while the work is active,
so polling stops on its own once everything is idle. An idle fragment asks once more when its
tab or window comes back into view (`sync_trigger`), so a sync started elsewhere — by the
clock, a webhook or another admin — shows up without an idle page ever polling. Each poll is
one quick request.

Runs whose worker died are found by `runs.recover_stale()`. Polls call it at most once every
`RECOVER_EVERY` seconds for the whole deployment (a Redis key decides who), so a killed worker
never leaves a badge spinning, and a hundred open tabs do not scan the runs a hundred times.
"""

from __future__ import annotations

from flask import current_app

from ..redis_client import get_redis
from ..runs import lifecycle as runs
from ..sync.service import Progress, run_progress

DEFAULT_POLL_SECONDS = 2.0
RECOVER_EVERY = 10  # seconds
RECOVER_KEY = "sync:ui:recovered"
CATCH_UP = "visibilitychange[document.visibilityState==='visible'] from:document, focus from:window"


def poll_interval() -> str:
    """The `every …` of a polling fragment (app config SYNC_STATUS_POLL_SECONDS)."""
    seconds = float(current_app.config.get("SYNC_STATUS_POLL_SECONDS", DEFAULT_POLL_SECONDS))
    return f"{int(seconds * 1000)}ms"


def sync_trigger(live: bool) -> str:
    """The `hx-trigger` of a status fragment: a poll while something is live, else a catch-up
    when the page is looked at again (pair it with `hx-sync="this:drop"`: both events fire)."""
    return f"every {poll_interval()}" if live else CATCH_UP


def recover_now_and_then() -> None:
    """Fail runs whose worker died, at most once every RECOVER_EVERY seconds in all."""
    if get_redis().set(RECOVER_KEY, 1, nx=True, ex=RECOVER_EVERY):
        runs.recover_stale()


def live_progress(run) -> Progress:
    """The run as the UI shows it; a run found dead is failed now (its groups freed)."""
    progress = run_progress(run)
    if not progress.active and run.state in runs.ACTIVE:
        runs.recover_stale()
        progress = run_progress(run)
    return progress
