"""What the steps of one run share, whichever engine takes them (groups, then course access):
the run, its Thinkific client, its heartbeat, and the counts it writes onto its row."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import SyncRun
from .locks import Heartbeat


@dataclass
class Tally:
    """The run's counts, as SyncRun names them."""

    groups_imported: int = 0
    groups_created: int = 0
    added_remote: int = 0
    removed_remote: int = 0
    added_local: int = 0
    removed_local: int = 0
    manual_actions: int = 0
    access_granted: int = 0  # team access (dashboard.access): enrollments created,
    access_changed: int = 0  # expiry moved (extended, given again, shortened),
    access_ended: int = 0  # expired now
    failures: int = 0


@dataclass(frozen=True)
class UserRef:
    """A dashboard user as a run's steps refer to one."""

    id: int
    email: str
    thinkific_id: int | None


@dataclass
class RunContext:
    run: SyncRun
    client: object
    beat: Heartbeat
    tally: Tally = field(default_factory=Tally)
    groups_failed: int = 0
    groups_paused: int = 0
    problems: list[str] = field(default_factory=list)  # "group: what went wrong"

    def save_counts(self) -> None:
        """Copy the run's counters (and the client's call counters) onto the run row."""
        for name, value in vars(self.tally).items():
            setattr(self.run, name, value)
        stats = self.client.stats
        self.run.calls, self.run.rate_limited = stats.calls, stats.rate_limited
        self.run.groups_failed, self.run.groups_paused = self.groups_failed, self.groups_paused
