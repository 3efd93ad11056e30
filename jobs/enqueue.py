"""The one door to the queues: views and the CLI start background syncs here.

Each function returns the SyncRun the caller can show: a new one, or the one already running
for that scope (pressing Sync Groups twice shows the first run).
"""

from __future__ import annotations

from collections.abc import Iterable

from dashboard.access.service import decide_access
from dashboard.extensions import db
from dashboard.models import Account, Group, RunTrigger, SyncRun, SyncState, User
from dashboard.sync import runs
from dashboard.sync.service import decision_for

from .connection import queue

SYNC_QUEUE = "sync"
ALL_TIMEOUT = 6 * 3600  # seconds a sync of all groups may run
GROUP_TIMEOUT = 3600
RESULT_TTL = 24 * 3600
FAILURE_TTL = 7 * 24 * 3600


class NothingToDecide(ValueError):
    """Approve/reject asked for a group that has no plan waiting."""


def start_sync_all(trigger: RunTrigger = RunTrigger.MANUAL, by: Account | None = None) -> SyncRun:
    """Sync every group in the background, or return the sync of all groups already running."""
    return _start("jobs.sync.sync_all", None, trigger, by, ALL_TIMEOUT)


def start_group_sync(
    group: Group, trigger: RunTrigger = RunTrigger.MANUAL, by: Account | None = None
) -> SyncRun:
    """Sync one group in the background, or return its sync already running."""
    return _start("jobs.sync.sync_group", group, trigger, by, GROUP_TIMEOUT)


def approve_paused_plan(group: Group, by: Account | None) -> SyncRun:
    """Apply the paused plan's removals (re-planned now; approved removals pass the limit)."""
    return _decide(group, by, approve=True)


def reject_paused_plan(group: Group, by: Account | None) -> SyncRun:
    """Discard the paused plan: the members it would remove stay, on both sides."""
    return _decide(group, by, approve=False)


def start_access_sync(
    users: Iterable[User],
    trigger: RunTrigger = RunTrigger.MANUAL,
    by: Account | None = None,
    approved: Iterable[str] = (),
) -> SyncRun:
    """Refresh these users' course access in the background (no group is synced). Access
    runs take no scope claim: the access lock serializes their Thinkific writes."""
    runs.recover_stale()
    run = runs.new_run(trigger, None, by)
    run.access_only = True
    db.session.commit()
    kwargs = {"user_ids": sorted({user.id for user in users}), "approved": sorted(approved)}
    job = queue(SYNC_QUEUE).enqueue(
        "jobs.sync.sync_access", args=(run.id,), kwargs=kwargs, job_id=f"sync-run-{run.id}",
        job_timeout=GROUP_TIMEOUT, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
        description=f"access run {run.id}",
    )  # fmt: skip
    run.job_id = job.id
    db.session.commit()
    return run


def approve_access_plan(by: Account | None) -> SyncRun:
    """End the access endings that waited for approval (re-planned now, past the limit)."""
    request = decide_access(approve=True, by=by)
    users = db.session.scalars(db.select(User).where(User.id.in_(request.user_ids))).all()
    return start_access_sync(users, RunTrigger.MANUAL, by, request.approved)


def reject_access_plan(by: Account | None) -> int:
    """Keep the access the waiting endings would end; returns how many were kept."""
    request = decide_access(approve=False, by=by)
    db.session.commit()
    return len(request.user_ids)


def _decide(group: Group, by: Account | None, *, approve: bool) -> SyncRun:
    if group.sync_state != SyncState.PAUSED:
        raise NothingToDecide(f"{group.name} has no sync plan waiting for approval.")
    decision = decision_for(group, approve, by)
    answer = {"approved": sorted(decision.approved), "kept": sorted(decision.kept)}
    return _start(
        "jobs.sync.sync_group", group, RunTrigger.MANUAL, by, GROUP_TIMEOUT, decision=answer
    )


def _start(
    func: str, group: Group | None, trigger: RunTrigger, by: Account | None, timeout: int,
    **kwargs,
) -> SyncRun:  # fmt: skip
    runs.recover_stale()
    current = runs.live_run(group.id if group is not None else None)
    if current is not None:
        db.session.rollback()
        return current
    run = runs.new_run(trigger, group, by)
    db.session.commit()
    holder = runs.claim_run(run)
    if holder is not None:
        db.session.delete(run)
        db.session.commit()
        return holder
    if group is not None:
        group.sync_state = SyncState.QUEUED
    job = queue(SYNC_QUEUE).enqueue(
        func, args=(run.id,), kwargs=kwargs, job_id=f"sync-run-{run.id}",
        job_timeout=timeout, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
        description=f"sync run {run.id}",
    )  # fmt: skip
    run.job_id = job.id
    db.session.commit()
    return run
