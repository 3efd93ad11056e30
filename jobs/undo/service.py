"""What the pages, the CLI and the jobs ask of an undo: its preview, and a new undo run.

The preview is a dry run: the run's recorded changes re-planned against both sides as they are
now (Thinkific read with GET requests only, no transaction open meanwhile), and nothing written.
Starting an undo in the background goes through `jobs.undo`; `undo_in_foreground` is the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from dashboard.access.loading import load_records
from dashboard.access.planner import AccessPlan
from dashboard.access.step import needs_approval as access_needs_approval
from dashboard.database import end_transaction
from dashboard.extensions import db
from dashboard.models import Account, Group, RunTrigger, SyncRun, utcnow
from dashboard.runs.lifecycle import SyncBusy
from dashboard.runs.starting import RunScope, begin
from dashboard.sync.planner import Change, Plan
from dashboard.sync.reading import ReadFailed, load_local_side, read_remote_side
from dashboard.sync.undo import (
    Line,
    RecordedPlan,
    check,
    note_undo_started,
    recorded_plan,
    refusal,
)
from dashboard.thinkific.errors import ThinkificError
from dashboard.thinkific.remote import thinkific_client

from .. import runner
from .current import access_plan, group_plan, next_sync
from .execute import execute_undo, paused_elsewhere, read_enrollments


@dataclass
class GroupUndo:
    group_id: int
    name: str
    lines: list[Line]
    plan: Plan | None = None
    error: str | None = None
    pauses: bool = False  # its removals would wait for an admin's approval
    next_sync: list[Change] = field(default_factory=list)  # what the next sync would then do


@dataclass
class UndoPreview:
    run: SyncRun
    refused: str | None = None
    groups: list[GroupUndo] = field(default_factory=list)
    access: list[Line] = field(default_factory=list)
    access_plan: AccessPlan | None = None
    access_error: str | None = None
    left_alone: list[Line] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.access_error or any(group.error for group in self.groups))

    @property
    def changes(self) -> int:
        members = sum(len(group.plan.changes) for group in self.groups if group.plan)
        return members + (len(self.access_plan.changes) if self.access_plan else 0)

    @property
    def skipped(self) -> int:
        lines = [line for group in self.groups for line in group.lines] + self.access
        return sum(1 for line in lines if line.skipped)

    @property
    def pauses(self) -> bool:
        access = self.access_plan is not None and access_needs_approval(self.access_plan)
        return access or any(group.pauses for group in self.groups)


def preview_undo(run: SyncRun) -> UndoPreview:
    """What undoing `run` would do now, line by line with reasons; nothing is written."""
    problem = refusal(run)
    if problem:
        return UndoPreview(run, refused=problem)
    recorded = recorded_plan(run)
    preview = UndoPreview(run, left_alone=recorded.left_alone)
    with thinkific_client() as client:
        for group_id, lines in recorded.groups().items():
            preview.groups.append(_group_preview(client, run.id, group_id, lines))
        _access_preview(client, recorded, preview)
    db.session.rollback()
    return preview


def _group_preview(client, run_id: int, group_id: int, lines: list[Line]) -> GroupUndo:
    group = db.session.get(Group, group_id)
    name = group.name if group is not None else lines[0].group_name
    if group is None or group.thinkific_id is None or group.deleted_in_thinkific_at:
        why = "the group was deleted" if group is None else "the group is not in Thinkific"
        return GroupUndo(group_id, name, [line.skip(why) for line in lines])
    waiting = paused_elsewhere(group, run_id)
    if waiting:
        return GroupUndo(group_id, name, [line.skip(waiting) for line in lines])
    thinkific_id = group.thinkific_id
    view = load_local_side(group)
    end_transaction()
    try:
        read_remote_side(client, view, thinkific_id)
    except (ReadFailed, ThinkificError) as error:
        return GroupUndo(group_id, name, lines, error=f"{error} Nothing would be changed here.")
    plan, planned = group_plan(view, lines)
    config = current_app.config
    limit, percent = config["SYNC_REMOVAL_LIMIT"], config["SYNC_REMOVAL_LIMIT_PERCENT"]
    pauses = plan.needs_approval(limit, percent, any_removal=group.removals_need_approval)
    after = next_sync(view, plan, config.get("THINKIFIC_REMOVALS", "manual"), utcnow())
    return GroupUndo(group_id, name, planned, plan, pauses=pauses, next_sync=after)


def _access_preview(client, recorded: RecordedPlan, preview: UndoPreview) -> None:
    lines = recorded.access
    if not lines:
        return
    records = load_records({line.user_id for line in lines if line.user_id is not None})
    wanted = [record.thinkific_id for record in records.values() if record.thinkific_id]
    end_transaction()
    try:
        found = read_enrollments(client, wanted)
    except ThinkificError as error:
        preview.access, preview.access_error = lines, f"Could not read the enrollments: {error}"
        return
    preview.access_plan, preview.access = access_plan(lines, records, found, utcnow())


# -- starting an undo ----------------------------------------------------------------------


def undo_in_foreground(original: SyncRun, by: Account | None = None) -> SyncRun:
    """Undo `original` in this process (the CLI); raises UndoRefused or SyncBusy."""
    check(original)
    started = begin(RunScope(undo_of=original), RunTrigger.UNDO, by, lambda run: noted(run))
    if not started.new:
        raise SyncBusy(started.run)
    return runner.execute(started.run.id, body=execute_undo)


def noted(run: SyncRun) -> None:
    """The Activity record of an undo, written with its run (no job: it runs here)."""
    note_undo_started(run)
