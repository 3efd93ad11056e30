"""The closed vocabularies of the data model, stored as short strings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    VIEWER = "viewer"


class Direction(StrEnum):
    """Sync direction of one group↔team link (DESIGN §4.2)."""

    DISABLED = "disabled"
    BIDIRECTIONAL = "bidirectional"
    DASHBOARD_TO_THINKIFIC = "dashboard_to_thinkific"
    THINKIFIC_TO_DASHBOARD = "thinkific_to_dashboard"

    @property
    def pushes(self) -> bool:
        return self in (Direction.BIDIRECTIONAL, Direction.DASHBOARD_TO_THINKIFIC)

    @property
    def pulls(self) -> bool:
        return self in (Direction.BIDIRECTIONAL, Direction.THINKIFIC_TO_DASHBOARD)


class SyncMode(StrEnum):
    """A group's effective direction: the union of its assignments' directions."""

    NONE = "none"
    PULL = "pull"
    PUSH = "push"
    BOTH = "both"

    @classmethod
    def of(cls, directions: list[Direction]) -> SyncMode:
        pushes = any(d.pushes for d in directions)
        pulls = any(d.pulls for d in directions)
        if pushes and pulls:
            return cls.BOTH
        return cls.PUSH if pushes else cls.PULL if pulls else cls.NONE


class SyncState(StrEnum):
    """What the sync machinery is doing with a group right now."""

    IDLE = "idle"
    QUEUED = "queued"
    SYNCING = "syncing"
    ERROR = "error"
    PAUSED = "paused"


class MemberSource(StrEnum):
    DASHBOARD = "dashboard"
    THINKIFIC = "thinkific"
    CSV = "csv"
    SEED = "seed"


class RunTrigger(StrEnum):
    MANUAL = "manual"
    SCHEDULE = "schedule"
    WEBHOOK = "webhook"
    CLI = "cli"
    UNDO = "undo"  # an admin undid a finished run (dashboard.sync.undo)


class RunState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    PARTIAL = "partial"


class EventOutcome(StrEnum):
    APPLIED = "applied"
    PLANNED = "planned"
    SKIPPED = "skipped"
    FAILED = "failed"
    PENDING = "pending"
