"""Team access inside a sync run: lock, read, plan, apply (holding mass endings back for an
admin), and say how it went in the run's events.

The runner calls `sync_access` after the groups of a run (everyone after a sync of all groups,
the group's members after a sync of one group), and `refresh_courses_step` after discovery.
Failures are recorded on the run, never raised (except shutdown). The session's transaction is
ended before Thinkific is read, and `AccessApply` calls it between short transactions.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import update

from ..database import end_transaction
from ..extensions import db
from ..models import EventOutcome, SyncEvent, utcnow
from ..plurals import count
from ..runs import notes as progress
from ..runs.context import RunContext
from ..thinkific.errors import ThinkificError
from .apply import AccessApply
from .courses import refresh_courses
from .loading import Scope, load_records, load_view, records_per_course
from .members import CHUNK
from .planner import AccessAction, AccessPlan, plan_access
from .reading import AccessReadFailed, choose_reads, read_remote, reconcile
from .records import note_plan, settle_records

ACCESS_LOCK = "access"
LOCK_WAIT = 30  # seconds a run waits for another run's access step before leaving it be
ENDING = AccessAction.END.value


@dataclass(frozen=True)
class AccessRequest:
    """An access-only run: whose access, and the endings an admin approved."""

    user_ids: frozenset[int]
    approved: frozenset[str] = frozenset()


def refresh_courses_step(ctx: RunContext) -> None:
    """Pull the school's courses; a failure is recorded and the run goes on."""
    end_transaction()
    try:
        changes = refresh_courses(ctx.client, utcnow())
    except ThinkificError as error:
        db.session.rollback()
        problem = f"Could not list Thinkific's courses: {error}"
        _event(ctx, "refresh_courses", EventOutcome.FAILED, "courses not refreshed", problem)
        ctx.tally.failures += 1
        ctx.problems.append(problem)
    else:
        if changes:  # a poll that finds nothing new says nothing
            _event(ctx, "refresh_courses", EventOutcome.APPLIED, changes)
    ctx.save_counts()
    db.session.commit()


def sync_access(ctx: RunContext, scope: Scope, approved: frozenset[str] = frozenset()) -> str:
    """Make Thinkific give the scope's users what their teams give. Returns the problem that
    stopped it, in words, or "" when it ran."""
    if not ctx.beat.lock(ACCESS_LOCK, wait=LOCK_WAIT):
        why = f"access of {scope.label}: another run is changing access; the next sync does it"
        _event(ctx, "sync_access", EventOutcome.SKIPPED, why)
        db.session.commit()
        return ""
    saved = copy.copy(ctx.tally)
    try:
        _sync_locked(ctx, scope, approved)
    except (AccessReadFailed, ThinkificError) as error:
        db.session.rollback()
        ctx.tally = saved
        return _fail(ctx, scope, str(error))
    finally:
        ctx.beat.unlock(ACCESS_LOCK)
    return ""


def _sync_locked(ctx: RunContext, scope: Scope, approved: frozenset[str]) -> None:
    progress.begin_access(ctx.run.id, None, ctx.tally.failures)
    view = load_view(scope)
    reads = choose_reads(view, records_per_course())
    end_transaction()
    remote = read_remote(ctx.client, view, reads)  # all of it, or AccessReadFailed
    now = utcnow()
    held, fixes = reconcile(view.records, remote.enrollments, view.courses_to_read(), now)
    settle_records(view, remote, fixes)
    view.records = load_records(view.user_ids)
    plan = plan_access(view.snapshot(held), now=now)
    paused = needs_approval(plan, approved)
    supersede_pending(ctx.run.id, None if scope.is_everyone else view.user_ids)
    note_plan(view, plan, held)
    if plan.changes:
        words = describe(scope, reads.words(), plan, paused)
        _event(ctx, "sync_access", EventOutcome.APPLIED, words)
    applier = AccessApply(view, plan, ctx.client, ctx.run.id, now, ctx.tally, paused)
    progress.begin_access(ctx.run.id, len(applier.to_make()), ctx.tally.failures)
    applier.run(on_batch=ctx.save_counts)
    if applier.errors:
        failed = count(len(applier.errors), "access change")
        ctx.problems.append(
            f"access: {failed} failed; the next sync retries. First: {applier.errors[0]}"
        )
    ctx.save_counts()
    db.session.commit()


def needs_approval(plan: AccessPlan, approved: frozenset[str] = frozenset()) -> bool:
    """Endings above the removal limit (SYNC_REMOVAL_LIMIT and its share) wait for an admin."""
    config = current_app.config
    limit = config.get("SYNC_REMOVAL_LIMIT", 10)
    percent = config.get("SYNC_REMOVAL_LIMIT_PERCENT", 20)
    return plan.needs_approval(limit, percent, approved)


def describe(scope: Scope, reads: str, plan: AccessPlan, paused: bool) -> str:
    words = f"access of {scope.label}: {reads}; {plan.summary()}"
    if paused:
        words += (
            f"; the {count(len(plan.endings), 'ending')} wait for an admin's approval "
            "(above the removal limit)"
        )
    return words


def supersede_pending(run_id: int, user_ids: frozenset[int] | None) -> None:
    """Endings waiting for approval from earlier runs are replaced by this run's plan."""
    waiting = (
        SyncEvent.action == ENDING,
        SyncEvent.outcome == EventOutcome.PENDING,
        SyncEvent.run_id != run_id,
    )
    values = {"outcome": EventOutcome.SKIPPED, "error": f"superseded by run {run_id}"}
    if user_ids is None:
        db.session.execute(update(SyncEvent).where(*waiting).values(**values))
        return
    ids = sorted(user_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = SyncEvent.user_id.in_(ids[start : start + CHUNK])
        db.session.execute(update(SyncEvent).where(*waiting, chunk).values(**values))


def _fail(ctx: RunContext, scope: Scope, message: str) -> str:
    ctx.tally.failures += 1
    ctx.problems.append(f"access: {message}")
    why = f"access of {scope.label} not synced: nothing was enrolled or ended"
    _event(ctx, "sync_access", EventOutcome.FAILED, why, message)
    ctx.save_counts()
    db.session.commit()
    return message


def _event(ctx: RunContext, action: str, outcome: EventOutcome, reason: str, error=None) -> None:
    db.session.add(
        SyncEvent(
            run_id=ctx.run.id,
            action=action,
            outcome=outcome,
            reason=reason,
            error=error,
            created_at=utcnow(),
        )
    )
