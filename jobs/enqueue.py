"""The one door to the queues: views and the CLI start background syncs here.

Each function returns the SyncRun the caller can show: a new one, or the one already running
for that scope (pressing Sync Groups twice shows the first run).

An admin's answer to a paused plan is committed together with the job that carries it out:
when the queue cannot be reached, the plan stays waiting for an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from dashboard.access.service import answer_endings, request_for, waiting_endings
from dashboard.extensions import db
from dashboard.models import Account, Group, RunTrigger, SyncRun, SyncState, User
from dashboard.runs import lifecycle as runs
from dashboard.sync.service import answer_paused, decision_of, paused_plan

from .connection import queue

SYNC_QUEUE = "sync"
WEBHOOK_QUEUE = "default"
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


def schedule_webhook_follow_up(delay: float) -> None:
    """The follow-up of a burst of webhook deliveries, run once `delay` seconds have passed
    (RQ's scheduler, which the workers run, moves it onto the queue then)."""
    queue(WEBHOOK_QUEUE).enqueue_in(
        timedelta(seconds=delay), "jobs.webhooks.follow_up", result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL, description="webhook follow-up",
    )  # fmt: skip


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
    on_queued: Callable[[], None] | None = None,
) -> SyncRun:
    """Refresh these users' course access in the background (no group is synced). Access
    runs take no scope claim: the access lock serializes their Thinkific writes."""
    runs.recover_stale()
    run = runs.new_run(trigger, None, by)
    run.access_only = True
    db.session.commit()
    kwargs = {"user_ids": sorted({user.id for user in users}), "approved": sorted(approved)}
    return _enqueue(run, "jobs.sync.sync_access", GROUP_TIMEOUT, kwargs, "access run", on_queued)


def approve_access_plan(by: Account | None) -> SyncRun:
    """End the access endings that waited for approval (re-planned now, past the limit)."""
    events = waiting_endings()
    request = request_for(events, approve=True)
    users = db.session.scalars(db.select(User).where(User.id.in_(request.user_ids))).all()
    return start_access_sync(
        users, RunTrigger.MANUAL, by, request.approved,
        on_queued=lambda: answer_endings(events, True, by),
    )  # fmt: skip


def reject_access_plan(by: Account | None) -> int:
    """Keep the access the waiting endings would end; returns how many were kept."""
    events = waiting_endings()
    answer_endings(events, approve=False, by=by)
    db.session.commit()
    return len(request_for(events, approve=False).user_ids)


def _decide(group: Group, by: Account | None, *, approve: bool) -> SyncRun:
    if group.sync_state != SyncState.PAUSED:
        raise NothingToDecide(f"{group.name} has no sync plan waiting for approval.")
    _, events = paused_plan(group)
    decision = decision_of(events, approve)
    answer = {"approved": sorted(decision.approved), "kept": sorted(decision.kept)}
    return _start(
        "jobs.sync.sync_group", group, RunTrigger.MANUAL, by, GROUP_TIMEOUT, decision=answer,
        on_queued=lambda: answer_paused(events, approve, by),
    )  # fmt: skip


def _start(
    func: str, group: Group | None, trigger: RunTrigger, by: Account | None, timeout: int,
    on_queued: Callable[[], None] | None = None, **kwargs,
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
    return _enqueue(run, func, timeout, kwargs, "sync run", on_queued)


def _enqueue(
    run: SyncRun, func: str, timeout: int, kwargs: dict, label: str,
    on_queued: Callable[[], None] | None,
) -> SyncRun:  # fmt: skip
    """Put the run's job on the queue, then commit it with whatever goes with it."""
    job = queue(SYNC_QUEUE).enqueue(
        func, args=(run.id,), kwargs=kwargs, job_id=f"sync-run-{run.id}",
        job_timeout=timeout, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
        description=f"{label} {run.id}",
    )  # fmt: skip
    run.job_id = job.id
    if on_queued is not None:
        on_queued()
    db.session.commit()
    return run
