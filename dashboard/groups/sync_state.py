"""What the sync parts of the group screens show: the Sync Groups bar, a group's sync section,
and starting a run safely. No routes here (see `sync_bar_views` and `group_sync_views`).

The Groups page draws the bar empty and lets it load by itself (the progress poll's first answer),
so the page reads neither Redis nor the runs; `group_sync_info` is read by the views that render
a group's sync section and passed in.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import or_, select

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
from ..runs import lifecycle as runs
from ..runs.progress import Progress
from ..settings.connection import AdminLink, admin_groups_link
from ..sync.service import paused_plan
from ..sync.store import MANUAL_REMOVAL

LIVE_STATES = (SyncState.QUEUED, SyncState.SYNCING)
RECENT_RUNS = 5
REDIS_DOWN = (
    "Redis cannot be reached, so the sync status is unknown and no sync can start. "
    "Check that Redis is running (REDIS_URL)."
)


def is_live(group: Group) -> bool:
    return group.sync_state in LIVE_STATES


def now_stamp() -> int:
    return int(time.time())


# --- the Sync Groups bar ----------------------------------------------------------------------


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


# --- a group's sync section -------------------------------------------------------------------


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


def group_sync_info(group: Group) -> GroupSyncInfo:
    """What the group page's sync section shows, read now (the view passes it in as `sync`)."""
    return GroupSyncInfo(
        recent_runs=recent_runs(group),
        manual_actions=open_manual_actions(group),
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
        .where(
            ManualAction.group_id == group.id,
            ManualAction.resolved_at.is_(None),
            ManualAction.action == MANUAL_REMOVAL,
        )
        .order_by(ManualAction.opened_at, ManualAction.id)
    )
    return [(action, email) for action, email in rows]


def paused_of(group: Group) -> tuple[SyncRun | None, list[SyncEvent]]:
    if group.sync_state != SyncState.PAUSED:
        return None, []
    return paused_plan(group)


def removals_in(events: list[SyncEvent]) -> int:
    return sum(1 for event in events if event.action in ("remove_local", "remove_remote"))
