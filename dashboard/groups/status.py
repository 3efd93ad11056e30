"""The status badge of a group (DESIGN §3), derived from the group's row alone."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import ColumnElement, case

from .. import plurals
from ..models import Group, SyncMode, SyncState

LIVE_STATES = (SyncState.QUEUED, SyncState.SYNCING)
REDIS_DOWN = (
    "Redis cannot be reached, so the sync status is unknown and no sync can start. "
    "Check that Redis is running (REDIS_URL)."
)

# The order of "sort by Status": what needs attention first.
STATUS_ORDER = ("error", "paused", "syncing", "queued", "active", "full", "not_synced")


class Status(NamedTuple):
    key: str  # css modifier and test hook: full, active, queued, syncing, error, paused, not_synced
    label: str
    title: str  # the reason, shown on hover


def group_status(group: Group) -> Status:
    if group.deleted_in_thinkific_at is not None:
        return Status("paused", "Paused", "Deleted in Thinkific: its links are paused.")
    if group.sync_mode == SyncMode.NONE:
        return Status("not_synced", "Not synced", "No team link of this group syncs.")
    return _live_status(group) or _settled_status(group)


def _live_status(group: Group) -> Status | None:
    state = group.sync_state
    if state == SyncState.QUEUED:
        return Status("queued", "Queued", "A sync of this group is waiting for a worker.")
    if state == SyncState.SYNCING:
        return Status("syncing", "Syncing", "A sync of this group is running now.")
    if state == SyncState.PAUSED:
        return Status("paused", "Paused", "Removals wait for an admin's approval.")
    if state == SyncState.ERROR:
        return Status("error", "Error", group.last_error or "The last sync failed.")
    return None


def _settled_status(group: Group) -> Status:
    if group.last_synced_at is None:
        return Status("active", "Active (pending sync)", "Never synced yet.")
    if group.open_manual_actions:
        count = group.open_manual_actions
        return Status(
            "active", "Active (pending sync)", f"{plurals.count(count, 'manual action')} open."
        )
    if group.pending_changes:
        return Status("active", "Active (pending sync)", "Changes wait for the next sync.")
    return Status("full", "Full (synced)", "The last sync succeeded and nothing changed since.")


def status_rank() -> ColumnElement[int]:
    """`STATUS_ORDER.index(group_status(group).key)` as SQL, for sorting whole tables."""
    rank = STATUS_ORDER.index
    return case(
        (Group.deleted_in_thinkific_at.is_not(None), rank("paused")),
        (Group.sync_mode == SyncMode.NONE, rank("not_synced")),
        (Group.sync_state == SyncState.QUEUED, rank("queued")),
        (Group.sync_state == SyncState.SYNCING, rank("syncing")),
        (Group.sync_state == SyncState.PAUSED, rank("paused")),
        (Group.sync_state == SyncState.ERROR, rank("error")),
        (Group.last_synced_at.is_(None), rank("active")),
        (Group.open_manual_actions > 0, rank("active")),
        (Group.pending_changes.is_(True), rank("active")),
        else_=rank("full"),
    )


def is_live(group: Group) -> bool:
    """Queued or syncing: its status polls until the sync is done."""
    return group.sync_state in LIVE_STATES
