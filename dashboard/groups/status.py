"""The status badge of a group (DESIGN §3), derived from the group's row alone."""

from __future__ import annotations

from typing import NamedTuple

from ..models import Group, SyncMode, SyncState


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
        return Status("active", "Active (pending sync)", f"{count} manual action(s) open.")
    if group.pending_changes:
        return Status("active", "Active (pending sync)", "Changes wait for the next sync.")
    return Status("full", "Full (synced)", "The last sync succeeded and nothing changed since.")
