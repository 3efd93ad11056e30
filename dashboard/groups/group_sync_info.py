"""What a group's sync section shows (`groups/_group_sync.html`): recent runs, open manual
actions, a plan waiting for approval. No routes here (see `group_sync_views`); the views that
render the section read `group_sync_info` and pass it in as `sync`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Select,
    exists,
    null,
    select,
    type_coerce,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

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
    manual_actions: list[tuple[OpenAction, str]]  # the action and the member's email
    paused: tuple[SyncRun | None, list[SyncEvent]]  # the paused run and its plan
    admin_link: AdminLink

    @property
    def paused_removals(self) -> int:
        return removals_in(self.paused[1])


def group_sync_info(group: Group, removals_open: bool = True) -> GroupSyncInfo:
    """What the group page's sync section shows, read now (the view passes it in as `sync`).
    `removals_open` False: the group is known to have no open manual action (read along with
    it, `has_open_removals`), so none is read."""
    runs, actions = runs_and_actions(group, removals_open)
    return GroupSyncInfo(
        recent_runs=runs,
        manual_actions=actions,
        paused=paused_of(group),
        admin_link=admin_groups_link(current_app.config, group.name),
    )


class OpenAction(NamedTuple):
    """An open removal a person must make in Thinkific, as the section lists it."""

    id: int
    opened_at: datetime
    reason: str


ACTION_COLUMNS = {
    "action_id": ManualAction.id,
    "action_opened_at": ManualAction.opened_at,
    "action_reason": ManualAction.reason,
    "action_email": User.email,
}


def runs_and_actions(
    group: Group, removals_open: bool = True
) -> tuple[list[SyncRun], list[tuple[OpenAction, str]]]:
    """The group's recent runs (`recent_runs`) and, when it may have any, its open manual
    actions with each member's email, oldest first: in one statement, a union whose runs'
    rows carry no action and whose actions' rows no run."""
    if not removals_open:
        return list(db.session.scalars(recent_runs(group))), []
    runs = recent_runs(group).subquery()
    no_action = [type_coerce(null(), c.type).label(key) for key, c in ACTION_COLUMNS.items()]
    no_run = [type_coerce(null(), c.type) for c in SyncRun.__table__.columns]
    actions = (
        select(*no_run, *ACTION_COLUMNS.values())
        .join(User, User.id == ManualAction.user_id)
        .where(*_open_removals(group.id))
    )
    both = union_all(select(*runs.c, *no_action), actions).subquery()
    rows = db.session.execute(select(aliased(SyncRun, both), *both.c[-len(ACTION_COLUMNS) :]))
    found, open_actions = [], []
    for run, action_id, opened_at, reason, email in rows:
        if run is not None:
            found.append(run)
        else:
            open_actions.append((OpenAction(action_id, opened_at, reason), email))
    found.sort(key=lambda run: run.id, reverse=True)
    open_actions.sort(key=lambda row: (row[0].opened_at, row[0].id))
    return found, open_actions


def recent_runs(group: Group) -> Select:
    """Runs of this group alone, and runs of all groups that synced it or recorded changes to
    it (a group they could not sync leaves an event): the latest `RECENT_RUNS`. Each source
    gives its latest few through its own index (group first, then run), so the page reads
    the same few rows however long the history."""
    own = select(SyncRun.id).where(SyncRun.group_id == group.id).order_by(SyncRun.id.desc())
    synced = (
        select(SyncRunGroup.run_id)
        .where(SyncRunGroup.group_id == group.id)
        .order_by(SyncRunGroup.run_id.desc())
    )
    touched = (
        select(SyncEvent.run_id)
        .where(SyncEvent.group_id == group.id)
        .distinct()
        .order_by(SyncEvent.run_id.desc())
    )
    latest = union(*(select(q.limit(RECENT_RUNS).subquery()) for q in (own, synced, touched)))
    query = select(SyncRun).where(SyncRun.id.in_(latest))
    return query.order_by(SyncRun.id.desc()).limit(RECENT_RUNS)


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
