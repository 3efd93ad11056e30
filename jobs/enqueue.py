"""The one door to the queues: views, webhooks and the CLI start background syncs here.

Each `begin_*` returns a `Started`: the new run, or the one already running for that scope
(pressing Sync Groups twice shows the first run), said explicitly (`new`). Each `start_*` is
the same for callers that only want the run. A run whose job cannot be queued is failed at
once and `StartFailed` says why (see `dashboard.runs.starting`).

An admin's answer to a paused plan is committed together with the job that carries it out:
when the queue cannot be reached, the plan stays waiting for an answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import timedelta

from dashboard.access.service import answer_endings, request_for, waiting_endings
from dashboard.extensions import db
from dashboard.models import Account, Group, RunTrigger, SyncRun, SyncState, User
from dashboard.runs.lifecycle import SyncBusy
from dashboard.runs.starting import Enqueue, RunScope, Started, begin
from dashboard.sync.service import answer_paused, decision_of, paused_plan
from dashboard.sync.undo import check, note_undo_started

from .queues import queue

SYNC_QUEUE = "sync"
WEBHOOK_QUEUE = "default"
ALL_TIMEOUT = 6 * 3600  # seconds a sync of all groups may run
GROUP_TIMEOUT = 3600
UNDO_JOB = "jobs.undo.undo_run"
RESULT_TTL = 24 * 3600
FAILURE_TTL = 7 * 24 * 3600


class NothingToDecide(ValueError):
    """Approve/reject asked for a group that has no plan waiting."""


def begin_sync_all(
    trigger: RunTrigger = RunTrigger.MANUAL, by: Account | None = None, check_silent=False
) -> Started:
    """Sync every group in the background, or find the sync of all groups already running
    (`check_silent`: Sync Groups pressed by an admin; a run that stopped reporting is checked)."""
    job = sync_job("jobs.sync.sync_all", ALL_TIMEOUT, "sync run")
    return begin(RunScope(), trigger, by, job, check_silent=check_silent)


def begin_group_sync(
    group: Group, trigger: RunTrigger = RunTrigger.MANUAL, by: Account | None = None
) -> Started:
    """Sync one group in the background, or find its sync already running."""
    job = sync_job("jobs.sync.sync_group", GROUP_TIMEOUT, "sync run")
    return begin(RunScope(group), trigger, by, job)


def start_group_sync(
    group: Group, trigger: RunTrigger = RunTrigger.MANUAL, by: Account | None = None
) -> SyncRun:
    return begin_group_sync(group, trigger, by).run


def schedule_webhook_follow_up(delay: float) -> None:
    """The follow-up of a burst of webhook deliveries, run once `delay` seconds have passed
    (RQ's scheduler, which the workers run, moves it onto the queue then)."""
    queue(WEBHOOK_QUEUE).enqueue_in(
        timedelta(seconds=delay),
        "jobs.webhooks.follow_up",
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        description="webhook follow-up",
    )


def begin_access_sync(
    users: Iterable[User],
    trigger: RunTrigger = RunTrigger.MANUAL,
    by: Account | None = None,
    approved: Iterable[str] = (),
    on_queued: Callable[[], None] | None = None,
) -> Started:
    """Refresh these users' course access in the background (no group is synced)."""
    kwargs = {"user_ids": sorted({user.id for user in users}), "approved": sorted(approved)}
    job = sync_job("jobs.sync.sync_access", GROUP_TIMEOUT, "access run", **kwargs)
    return begin(RunScope(access_only=True), trigger, by, job, on_queued)


def start_access_sync(
    users: Iterable[User], trigger: RunTrigger = RunTrigger.MANUAL, by: Account | None = None
) -> SyncRun:
    return begin_access_sync(users, trigger, by).run


def begin_access_approval(by: Account | None) -> Started:
    """End the access endings that waited for approval (re-planned now, past the limit)."""
    events = waiting_endings()
    request = request_for(events, approve=True)
    if events[0].run.undo_of_id is not None:  # an undo's endings: the undo carries them out
        answer = lambda: answer_endings(events, True, by)  # noqa: E731
        return continue_undo(events[0].run, by, approved=request.approved, on_queued=answer)
    users = db.session.scalars(db.select(User).where(User.id.in_(request.user_ids))).all()
    answer = lambda: answer_endings(events, True, by)  # noqa: E731
    return begin_access_sync(users, RunTrigger.MANUAL, by, request.approved, on_queued=answer)


def reject_access_plan(by: Account | None) -> int:
    """Keep the access the waiting endings would end; returns how many were kept."""
    events = waiting_endings()
    answer_endings(events, approve=False, by=by)
    db.session.commit()
    return len(request_for(events, approve=False).user_ids)


def begin_decision(group: Group, by: Account | None, *, approve: bool) -> Started:
    """Carry out an admin's answer to a group's paused plan (the answer is committed with the
    job that carries it out)."""
    if group.sync_state != SyncState.PAUSED:
        raise NothingToDecide(f"{group.name} has no sync plan waiting for approval.")
    paused, events = paused_plan(group)
    decision = decision_of(events, approve)
    if approve and paused is not None and paused.undo_of_id is not None:
        # an undo's removals: the undo carries them out
        answer = lambda: answer_paused(events, approve, by)  # noqa: E731
        return continue_undo(paused, by, group=group, approved=decision.approved, on_queued=answer)
    answer = {"approved": sorted(decision.approved), "kept": sorted(decision.kept)}
    job = sync_job("jobs.sync.sync_group", GROUP_TIMEOUT, "sync run", decision=answer)
    return begin(
        RunScope(group), RunTrigger.MANUAL, by, job, lambda: answer_paused(events, approve, by)
    )


def begin_undo(original: SyncRun, by: Account | None) -> Started:
    """Undo `original` in the background (under the claim of all groups), or find the run
    that holds it; raises UndoRefused when it cannot be undone."""
    check(original)
    job = sync_job(UNDO_JOB, ALL_TIMEOUT, "undo run")
    return begin(RunScope(undo_of=original), RunTrigger.UNDO, by, _noting_undo(job))


def start_undo(original: SyncRun, by: Account | None) -> SyncRun:
    """As `begin_undo`, raising SyncBusy when a live run holds the scope."""
    started = begin_undo(original, by)
    if not started.new:
        raise SyncBusy(started.run)
    return started.run


def continue_undo(
    paused: SyncRun,
    by: Account | None,
    *,
    group: Group | None = None,
    approved: Iterable[str] = (),
    on_queued: Callable[[], None] | None = None,
) -> Started:
    """Carry out the approved part of an undo that paused: one group's, or the access."""
    original = db.session.get(SyncRun, paused.undo_of_id)
    scope = RunScope(group, access_only=group is None, undo_of=original)
    job = sync_job(UNDO_JOB, GROUP_TIMEOUT, "undo run", approved=sorted(approved))
    return begin(scope, RunTrigger.UNDO, by, job, on_queued)


def _noting_undo(job: Enqueue) -> Enqueue:
    """The undo's job, queued with the Activity record of its start."""

    def enqueue(run: SyncRun) -> str:
        note_undo_started(run)
        return job(run)

    return enqueue


def sync_job(func: str, timeout: int, label: str, **kwargs) -> Enqueue:
    """How a run's job is put on the sync queue (its id says which run it carries out)."""

    def enqueue(run: SyncRun) -> str:
        job = queue(SYNC_QUEUE).enqueue(
            func,
            args=(run.id,),
            kwargs=kwargs,
            job_id=f"sync-run-{run.id}",
            job_timeout=timeout,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            description=f"{label} {run.id}",
        )
        return job.id

    return enqueue
