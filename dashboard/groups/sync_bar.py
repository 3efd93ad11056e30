"""What the Groups list's Sync Groups bar shows (`groups/_sync_progress.html`), and whether it
polls. No routes here (see `sync_bar_views`).

The Groups page draws the bar empty and lets it load by itself (the progress poll's first
answer), so the page reads neither Redis nor the runs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..models import SyncRun
from ..runs import lifecycle as runs
from ..runs.progress import Progress


def now_stamp() -> int:
    return int(time.time())


@dataclass
class BarState:
    """The sync of all groups as the Groups page shows it, and whether the page must poll."""

    run: SyncRun | None = None  # the live sync of all groups, else the latest one
    progress: Progress | None = None
    rows_live: bool = False  # a row on the page is queued or syncing (a one-group run)
    problem: str | None = None
    since: int = field(default_factory=now_stamp)

    @property
    def live_run(self) -> SyncRun | None:
        return self.run if self.progress is not None and self.progress.active else None

    @property
    def polling(self) -> bool:
        """Whether the fragment asks again: something is live, or a run still claims to be
        (dead, not yet found so: the next poll finds it and frees its groups)."""
        unsettled = self.run is not None and self.run.state in runs.ACTIVE
        return self.problem is None and (self.live_run is not None or self.rows_live or unsettled)
