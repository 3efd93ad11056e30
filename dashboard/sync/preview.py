"""Dry runs (Preview sync, `flask sync run --dry-run`): the same planners, no writes anywhere.

Each preview has room for the team access plan of the same scope (`.access`): `jobs.preview`,
which runs both engines' dry runs, puts it there (the group sync does not know the access engine).

Only reads happen: the database is read, Thinkific is read (GET requests only), nothing is
added or posted — not even a SyncRun row. Each database read's transaction is ended before
Thinkific is read, so no transaction stays open while a preview waits on Thinkific.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..database import end_transaction
from ..extensions import db
from ..models import Group, SyncMode, utcnow
from ..thinkific.errors import ThinkificError
from . import polling
from .discovery import GroupStep, local_groups, plan_discovery
from .planner import Plan, plan_group
from .reading import GroupView, ReadFailed, load_local_side, read_remote_side


@dataclass
class GroupPreview:
    group: Group
    plan: Plan | None = None
    error: str | None = None
    view: GroupView | None = None
    note: str | None = None  # e.g. "the group will be created in Thinkific first"
    access: Any = None  # the course access of the group's members (an AccessPreview)

    def needs_approval(self) -> bool:
        config = current_app.config
        limit, percent = config["SYNC_REMOVAL_LIMIT"], config["SYNC_REMOVAL_LIMIT_PERCENT"]
        first = self.group.removals_need_approval
        return self.plan is not None and self.plan.needs_approval(limit, percent, any_removal=first)


@dataclass
class RunPreview:
    steps: list[GroupStep] = field(default_factory=list)
    groups: list[GroupPreview] = field(default_factory=list)
    error: str | None = None
    access: Any = None  # everyone's course access (an AccessPreview)

    @property
    def failed(self) -> bool:
        failures = [self.error, *(g.error for g in self.groups)]
        failures += [self.access.error if self.access else None]
        failures += [g.access.error for g in self.groups if g.access]
        return any(failures)


def preview_group(group: Group, client) -> GroupPreview:
    """What a sync of `group` would do now, with the reason of every change."""
    return _preview(group, client)


def preview_all(client) -> RunPreview:
    """What a sync of all groups would do now: discovery steps and every synced group's plan."""
    end_transaction()
    try:
        remote = list(client.iter_groups())
    except ThinkificError as error:
        return RunPreview(error=f"Could not list Thinkific's groups: {error}")
    preview = RunPreview(steps=plan_discovery(local_groups(), remote))
    for candidate in polling.candidates():
        preview.groups.append(_preview(db.session.get(Group, candidate.id), client))
    return preview


def _preview(group: Group, client) -> GroupPreview:
    if group.sync_mode == SyncMode.NONE:
        return GroupPreview(group, note="No team link of this group syncs: nothing to do.")
    if group.deleted_in_thinkific_at is not None:
        return GroupPreview(group, error="Deleted in Thinkific: its links are paused.")
    thinkific_id, name = group.thinkific_id, group.name
    view = load_local_side(group)
    end_transaction()
    note = None
    try:
        if thinkific_id is None:
            note = _not_in_thinkific(name, client, view)
        else:
            read_remote_side(client, view, thinkific_id)
    except (ReadFailed, ThinkificError) as error:
        return GroupPreview(group, error=str(error), view=view)
    plan = plan_group(view.snapshot(), view.links, now=utcnow())
    return GroupPreview(group, plan=plan, view=view, note=note)


def _not_in_thinkific(name: str, client, view: GroupView) -> str:
    found = client.find_group_by_name(name)
    if found is None:
        return "The group does not exist in Thinkific yet: the sync creates it first."
    taken = db.session.scalar(select(Group.id).filter_by(thinkific_id=found.id))
    if taken:
        raise ReadFailed(f"Thinkific's group “{found.name}” is linked to another dashboard group.")
    end_transaction()
    read_remote_side(client, view, thinkific_id=found.id)
    return "The group exists in Thinkific by this name: the sync links it."
