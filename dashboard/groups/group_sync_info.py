"""What a group's sync section shows (`groups/_group_sync.html`): recent runs, open manual
actions, a plan waiting for approval. No routes here (see `group_sync_views`); the views that
render the section read `group_sync_info` and pass it in as `sync`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, exists, or_, select

from ..extensions import db
from ..models import (
    Group,
    ManualAction,
    SyncEvent,
    SyncRun,
    SyncRunGroup,
    SyncState,
    User,
)
from ..settings.connection import AdminLink, admin_groups_link
from ..sync.service import paused_plan
from ..sync.store import MANUAL_REMOVAL

RECENT_RUNS = 5


@dataclass(frozen=True)
class GroupSyncInfo:
    """The group page's sync section: recent runs, manual actions, a plan waiting for approval."""

    recent_runs: list[SyncRun]
    manual_actions: list[tuple[ManualAction, str]]  # the action and the member's email
    paused: tuple[SyncRun | None, list[SyncEvent]]  # the paused run and its plan
    admin_link: AdminLink

    @property
    def paused_removals(self) -> int:
        return removals_in(self.paused[1])


def group_sync_info(group: Group, removals_open: bool = True) -> GroupSyncInfo:
    """What the group page's sync section shows, read now (the view passes it in as `sync`).
    `removals_open` False: the group is known to have no open manual action (read along with
    it, `has_open_removals`), so none is read."""
    return GroupSyncInfo(
        recent_runs=recent_runs(group),
        manual_actions=open_manual_actions(group) if removals_open else [],
        paused=paused_of(group),
        admin_link=admin_groups_link(current_app.config, group.name),
    )


def recent_runs(group: Group) -> list[SyncRun]:
    """Runs of this group alone, and runs of all groups that synced it or recorded changes to
    it (a group they could not sync leaves an event)."""
    touched = select(SyncEvent.run_id).where(SyncEvent.group_id == group.id)
    synced = select(SyncRunGroup.run_id).where(SyncRunGroup.group_id == group.id)
    query = select(SyncRun).where(
        or_(SyncRun.group_id == group.id, SyncRun.id.in_(touched), SyncRun.id.in_(synced))
    )
    return list(db.session.scalars(query.order_by(SyncRun.id.desc()).limit(RECENT_RUNS)))


def open_manual_actions(group: Group) -> list[tuple[ManualAction, str]]:
    """Open removals a person must make in Thinkific: the action and the member's email."""
    rows = db.session.execute(
        select(ManualAction, User.email)
        .join(User, User.id == ManualAction.user_id)
        .where(*_open_removals(group.id))
        .order_by(ManualAction.opened_at, ManualAction.id)
    )
    return [(action, email) for action, email in rows]


def has_open_removals() -> ColumnElement[bool]:
    """Whether the group (of the query this is read in) has an open manual action: a column
    read along with the group, by the index of open actions per group."""
    return exists().where(*_open_removals(Group.id)).label("removals_open")


def _open_removals(group_id) -> tuple[ColumnElement[bool], ...]:
    return (
        ManualAction.group_id == group_id,
        ManualAction.resolved_at.is_(None),
        ManualAction.action == MANUAL_REMOVAL,
    )


def paused_of(group: Group) -> tuple[SyncRun | None, list[SyncEvent]]:
    if group.sync_state != SyncState.PAUSED:
        return None, []
    return paused_plan(group)


def removals_in(events: list[SyncEvent]) -> int:
    return sum(1 for event in events if event.action in ("remove_local", "remove_remote"))
