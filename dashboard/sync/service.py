"""What the rest of the dashboard asks of the sync engine (the UI, the CLI, the jobs).

Starting a sync in the background goes through `jobs.enqueue`; everything here runs in the
calling process: a foreground run (CLI), previews, a paused plan, a run's progress, and how
the poll fits the request budget.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app
from sqlalchemy import func, select

from jobs import runner

from .. import activity
from ..extensions import db
from ..models import (
    Account,
    EventOutcome,
    Group,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncRun,
)
from ..runs import lifecycle as runs
from ..runs import notes as progress
from . import budget
from .group_sync import AWAITING_APPROVAL, Decision
from .planner import Action
from .preview import GroupPreview, RunPreview, preview_all, preview_group

__all__ = [
    "GroupPreview",
    "RunPreview",
    "SyncBusy",
    "answer_paused",
    "coverage",
    "current_run",
    "decision_for",
    "decision_of",
    "latest_run",
    "paused_plan",
    "preview_all",
    "preview_group",
    "run_in_foreground",
    "run_progress",
]


class SyncBusy(Exception):
    """A live run already owns the scope; `run` is that run."""

    def __init__(self, run: SyncRun) -> None:
        super().__init__(f"A sync is already running (run {run.id}).")
        self.run = run


def run_in_foreground(
    group: Group | None = None,
    trigger: RunTrigger = RunTrigger.CLI,
    by: Account | None = None,
    decision: Decision | None = None,
    job_id: str | None = None,
) -> SyncRun:
    """Run a sync in this process (the CLI, the clock's poll job); raises SyncBusy when a
    live run already owns the scope."""
    runs.recover_stale()
    run = runs.new_run(trigger, group, by)
    run.job_id = job_id
    db.session.commit()
    holder = runs.claim_run(run)
    if holder is not None:
        db.session.delete(run)
        db.session.commit()
        raise SyncBusy(holder)
    return runner.execute(run.id, decision)


def current_run(group: Group | None = None) -> SyncRun | None:
    """The live run of all groups (or of `group`), if any. When there is none, runs whose
    worker died are failed first, so "no live run" and a run still marked running never meet
    (a heartbeat can lapse between two reads: it is looked at after the answer is known)."""
    run = runs.live_run(group.id if group is not None else None)
    if run is None:
        runs.recover_stale()
    return run


def latest_run(group: Group | None = None) -> SyncRun | None:
    """The newest run of all groups (or of `group`), live or finished (access-only runs,
    which sync no group, are not one)."""
    if group is None:
        scope = SyncRun.group_id.is_(None) & SyncRun.access_only.is_(False)
    else:
        scope = SyncRun.group_id == group.id
    return db.session.scalar(select(SyncRun).where(scope).order_by(SyncRun.id.desc()).limit(1))


def paused_plan(group: Group) -> tuple[SyncRun | None, list[SyncEvent]]:
    """The plan waiting for an admin's approval: the run that paused, and its changes."""
    run_id = db.session.scalar(
        select(func.max(SyncEvent.run_id)).where(
            SyncEvent.group_id == group.id,
            SyncEvent.outcome == EventOutcome.PENDING,
            SyncEvent.action.in_(AWAITING_APPROVAL),
        )
    )
    if run_id is None:
        return None, []
    events = db.session.scalars(
        select(SyncEvent)
        .where(
            SyncEvent.run_id == run_id,
            SyncEvent.group_id == group.id,
            SyncEvent.outcome == EventOutcome.PENDING,
        )
        .order_by(SyncEvent.id)
    ).all()
    return db.session.get(SyncRun, run_id), list(events)


def decision_for(group: Group, approve: bool, by: Account | None) -> Decision:
    """Turn the paused plan into an admin's decision, and mark its events answered."""
    _, events = paused_plan(group)
    answer_paused(events, approve, by)
    return decision_of(events, approve)


def decision_of(events: list[SyncEvent], approve: bool) -> Decision:
    """The decision a paused plan's events amount to (reads only)."""
    removals = frozenset(
        e.email for e in events if e.action in (Action.REMOVE_LOCAL, Action.REMOVE_REMOTE)
    )
    return Decision(approved=removals) if approve else Decision(kept=removals)


def answer_paused(events: list[SyncEvent], approve: bool, by: Account | None) -> None:
    """Mark a paused plan's events answered and record the answer (the caller commits)."""
    who = by.email if by is not None else "an admin"
    verdict = "approved" if approve else "rejected"
    for event in events:
        event.outcome, event.error = EventOutcome.SKIPPED, f"{verdict} by {who}"
        if event.group is not None:
            event.group.removals_need_approval = False  # answered: the limit applies again
    if events:
        kind = activity.Kind.PLAN_APPROVED if approve else activity.Kind.PLAN_REJECTED
        activity.record(kind, events[0].group, after=answer_summary(events))


ANSWER_EMAILS = 20  # removals named in the activity record of an answer; the rest are counted


def answer_summary(events: list[SyncEvent]) -> dict:
    removals = sorted(
        e.email for e in events if e.action in (Action.REMOVE_LOCAL, Action.REMOVE_REMOTE)
    )
    return {"changes": len(events), "removals": len(removals),
            "members": removals[:ANSWER_EMAILS]}  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """A run as the UI shows it (one function maps run state to what the UI says)."""

    run_id: int
    state: RunState
    label: str
    groups_done: int
    groups_total: int
    active: bool
    error: str | None
    silent_for: float = 0.0  # seconds its heartbeat is overdue: it may have stopped
    phase: str = ""  # of a live run: queued, discovery, groups, access
    access: progress.AccessPhase | None = None  # the access changes it plans, once planned
    waiting: progress.Waiting | None = None  # what it waits for on Thinkific now
    seconds_left: int | None = None  # estimated from the request budget

    @property
    def percent(self) -> int:
        return int(100 * self.groups_done / self.groups_total) if self.groups_total else 0


LABELS = {
    RunState.QUEUED: "Queued",
    RunState.RUNNING: "Syncing",
    RunState.SUCCEEDED: "Done",
    RunState.PARTIAL: "Done with errors",
    RunState.FAILED: "Failed",
}


def run_progress(run: SyncRun) -> Progress:
    active = run.state in runs.ACTIVE and runs.is_alive(run)
    label = LABELS[run.state]
    if active and run.groups_total:
        label = f"{label} {run.groups_done}/{run.groups_total}"
    base = Progress(run.id, run.state, label, run.groups_done, run.groups_total, active, run.error)
    if not active:
        return base
    access = progress.access_phase(run.id) if run.state == RunState.RUNNING else None
    phase = "access" if access is not None else phase_of(run)
    return replace(
        base, silent_for=runs.silent_for(run), phase=phase, access=access,
        waiting=progress.waiting(run.id), seconds_left=seconds_left(run, phase, access),
    )  # fmt: skip


def phase_of(run: SyncRun) -> str:
    if run.state == RunState.QUEUED:
        return "queued"
    if run.access_only or (run.groups_total and run.groups_done >= run.groups_total):
        return "access"
    return "groups" if run.groups_total else "discovery"


def seconds_left(run: SyncRun, phase: str, access: progress.AccessPhase | None) -> int | None:
    """Time left at THINKIFIC_RATE_LIMIT for the calls still planned: the rest of the groups
    at the run's calls per group so far, or the access changes not yet made (one call each)."""
    if phase == "groups" and run.groups_done:
        calls = run.calls / run.groups_done * (run.groups_total - run.groups_done)
    elif phase == "access" and access is not None and access.planned is not None:
        calls = access.planned - access_made(run) - access_failed(run, access)
    else:
        return None
    return progress.seconds_for(max(0, calls), current_app.config["THINKIFIC_RATE_LIMIT"])


def access_made(run: SyncRun) -> int:
    return run.access_granted + run.access_changed + run.access_ended


def access_failed(run: SyncRun, access: progress.AccessPhase) -> int:
    return max(0, run.failures - access.failures_before)


def coverage() -> budget.Coverage:
    return budget.coverage(current_app.config)
