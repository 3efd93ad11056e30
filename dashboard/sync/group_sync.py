"""Syncing one group inside a run: lock, read, plan, pause or apply, and say how it went.

Every write here is committed before Thinkific is called, and the reads' transactions are ended
too: no transaction is open while the run waits on Thinkific (see apply.py for the batches).

The group's status fields are kept true at every step: `syncing` while it runs (committed, so
the UI sees it), then `idle`, `error` (with the reason) or `paused` (with the plan stored as
pending events for an admin to approve or reject). Its count of open manual actions is
recounted however the sync ends (finished, failed or stopped): a committed batch may have
opened or closed some.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import update

from .. import counts
from ..database import end_transaction
from ..extensions import db
from ..models import EventOutcome, Group, SyncEvent, SyncState, utcnow
from ..runs import signals
from ..runs.context import RunContext
from ..runs.lifecycle import interrupted
from ..thinkific.errors import ThinkificError
from ..thinkific.pagination import PAGE_SIZE
from . import store
from .apply import GroupApply
from .planner import Action, Plan, plan_group
from .reading import GroupView, ReadFailed, load_links, load_local_side, read_remote_side
from .words import count

AWAITING_APPROVAL = tuple(action.value for action in Action)


@dataclass(frozen=True)
class Decision:
    """An admin's answer to a paused plan: removals approved, or members kept."""

    approved: frozenset[str] = frozenset()
    kept: frozenset[str] = frozenset()


def removals_mode() -> str:
    return current_app.config.get("THINKIFIC_REMOVALS", "manual")


def needs_approval(plan: Plan, decision: Decision, group: Group) -> bool:
    limit = current_app.config.get("SYNC_REMOVAL_LIMIT", 10)
    percent = current_app.config.get("SYNC_REMOVAL_LIMIT_PERCENT", 20)
    first = group.removals_need_approval  # the first sync since a team link changed
    return plan.needs_approval(limit, percent, decision.approved, any_removal=first)


def sync_group(ctx: RunContext, group: Group, decision: Decision = Decision()) -> None:
    """Sync one group; a failure is recorded on the group, never raised (except shutdown)."""
    if not ctx.beat.lock_group(group.id):
        record(ctx, group, "sync_group", EventOutcome.SKIPPED, "another run is syncing it")
        return
    saved = copy.copy(ctx.tally)
    try:
        _sync_locked(ctx, group, decision)
    except (ReadFailed, ThinkificError) as error:
        db.session.rollback()
        ctx.tally = saved
        fail_group(ctx, group, str(error))
    except BaseException:
        stop_interrupted(group)
        raise
    finally:
        ctx.beat.unlock_group(group.id)


def _sync_locked(ctx: RunContext, group: Group, decision: Decision) -> None:
    store.note_synced(ctx.run.id, group.id)
    begin(group)
    view = read_both_sides(ctx, group)
    now = utcnow()
    plan = plan_group(view.snapshot(), view.links, now=now, kept=decision.kept)
    if needs_approval(plan, decision, group):
        group.last_read_at = now
        pause(ctx, view, plan)
        return
    verify_absences(ctx, view, plan)
    group.last_read_at = now
    applier = GroupApply(view, plan, ctx.client, ctx.run.id, now, removals_mode(), ctx.tally)
    applier.run(on_batch=ctx.save_counts)
    finish(ctx, group, applier)


def read_both_sides(ctx: RunContext, group: Group) -> GroupView:
    """The dashboard's side, then Thinkific's, read with no transaction open during the calls."""
    thinkific_id = group.thinkific_id
    view = load_local_side(group)
    end_transaction()
    read_remote_side(ctx.client, view, thinkific_id)
    return view


def begin(group: Group) -> None:
    group.sync_state, group.last_attempt_at, group.pending_changes = (
        SyncState.SYNCING,
        utcnow(),
        False,
    )
    db.session.commit()


def finish(ctx: RunContext, group: Group, applier: GroupApply) -> None:
    counts.recount_manual_removals(group)
    group.last_attempt_at = utcnow()  # a success is never shown later than the last attempt
    if applier.failed:
        ctx.groups_failed += 1
        group.sync_state, group.pending_changes = SyncState.ERROR, True
        failed = count(len(applier.failed), "change")
        group.last_error = f"{failed} failed; the next sync retries. First: {applier.errors[0]}"
        ctx.problems.append(f"{group.name}: {group.last_error}")
    else:
        group.sync_state, group.last_error = SyncState.IDLE, None
        group.last_synced_at = group.last_attempt_at
    if load_links(group) == applier.view.links:  # not changed again while this sync ran
        group.removals_need_approval = False  # the plan went through: no removal left to hold
    ctx.save_counts()
    db.session.commit()


def fail_group(ctx: RunContext, group: Group, message: str) -> None:
    ctx.groups_failed += 1
    ctx.tally.failures += 1
    ctx.problems.append(f"{group.name}: {message}")
    group.sync_state, group.last_error, group.pending_changes = SyncState.ERROR, message, True
    counts.recount_manual_removals(group)
    record(ctx, group, "sync_group", EventOutcome.FAILED, "the sync of this group failed", message)
    ctx.save_counts()
    db.session.commit()


def stop_interrupted(group: Group) -> None:
    """The sync stopped part-way (a shutdown, a lost connection): what it had not committed
    is undone, and the group says so (`interrupted` recounts its manual removals)."""
    db.session.rollback()
    interrupted(group)
    db.session.commit()


def pause(ctx: RunContext, view: GroupView, plan: Plan) -> None:
    """Hold the whole plan for an admin: nothing is applied, the plan is kept as events."""
    group = view.group
    supersede_paused(group, ctx.run.id)
    for change in plan.changes:
        user = view.users.get(change.key)
        record(
            ctx,
            group,
            change.action.value,
            EventOutcome.PENDING,
            change.reason,
            email=change.key,
            user_id=user.id if user else None,
        )
    removals = count(len(plan.removals), "removal")
    ctx.groups_paused += 1
    group.sync_state = SyncState.PAUSED
    first = group.removals_need_approval
    why = "the first sync since a team link changed" if first else "above the removal limit"
    group.last_error = f"{removals} wait for an admin's approval ({why})."
    ctx.save_counts()
    db.session.commit()
    signals.group_paused.send(ctx.run, group_id=group.id)  # admins hear of it now


def supersede_paused(group: Group, run_id: int) -> None:
    """Earlier paused plans of the group stop waiting: a newer plan replaces them."""
    db.session.execute(
        update(SyncEvent)
        .where(
            SyncEvent.group_id == group.id,
            SyncEvent.outcome == EventOutcome.PENDING,
            SyncEvent.action.in_(AWAITING_APPROVAL),
            SyncEvent.run_id != run_id,
        )
        .values(outcome=EventOutcome.SKIPPED, error=f"superseded by run {run_id}")
    )


def verify_absences(ctx: RunContext, view: GroupView, plan: Plan) -> None:
    """A list read over several pages can miss members that moved between pages while it was
    read; before acting on an absence (a removal here, a manual action resolved), ask
    Thinkific about that member directly."""
    if len(view.remote) < PAGE_SIZE:
        return  # one page is one consistent answer
    absent = [c.key for c in plan.of(Action.REMOVE_LOCAL)]
    absent += [c.key for c in plan.of(Action.CLOSE_MANUAL) if c.key not in view.remote]
    thinkific_id = view.group.thinkific_id
    end_transaction()  # no transaction is open while Thinkific is asked
    for key in absent:
        if next(iter(ctx.client.iter_users(email=key, group_id=thinkific_id)), None):
            raise ReadFailed(
                f"Thinkific's member list changed while it was read ({key} was missing but "
                "is a member); nothing was changed, the next sync reads it again."
            )


def record(
    ctx: RunContext,
    group: Group | None,
    action: str,
    outcome: EventOutcome,
    reason: str,
    error: str | None = None,
    *,
    email: str = "",
    user_id: int | None = None,
    at: datetime | None = None,
) -> None:
    db.session.add(
        SyncEvent(
            run_id=ctx.run.id,
            group_id=group.id if group is not None else None,
            user_id=user_id,
            email=email,
            action=action,
            outcome=outcome,
            reason=reason,
            error=error,
            created_at=at or utcnow(),
        )
    )
