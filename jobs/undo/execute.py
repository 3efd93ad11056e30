"""An undo run inside the runner (`runner.execute` of a run whose `undo_of_id` is set).

The same rails as a sync: each group of the run it undoes is locked, both sides are read in
full (Thinkific first, no transaction open), the recorded lines are re-planned against them
(`undo_current`), removals above the limit pause the group for an admin (approving continues
the undo of that group), and `GroupApply` makes the changes — removals from Thinkific as
manual actions, or GraphQL removals when configured. A failed read changes nothing in that
group. Then the course access the run changed, read from Thinkific before it is changed back.

A run of scope "one group" is the continuation of an approved group; an access-only one, of
approved access endings; otherwise it undoes everything the run did.
"""

from __future__ import annotations

import copy

from dashboard.access.apply import AccessApply
from dashboard.access.loading import AccessView, Scope, load_courses, load_users_and_records
from dashboard.access.step import ACCESS_LOCK, LOCK_WAIT, AccessRequest, needs_approval
from dashboard.database import end_transaction
from dashboard.extensions import db
from dashboard.models import (
    EventOutcome,
    Group,
    MemberSource,
    SyncEvent,
    SyncRun,
    SyncState,
    utcnow,
)
from dashboard.plurals import count
from dashboard.runs.context import RunContext
from dashboard.sync import store
from dashboard.sync.apply import GroupApply
from dashboard.sync.group_sync import (
    Decision,
    begin,
    fail_group,
    finish,
    pause,
    read_both_sides,
    removals_mode,
    stop_interrupted,
)
from dashboard.sync.group_sync import needs_approval as plan_needs_approval
from dashboard.sync.group_sync import record as record_event
from dashboard.sync.reading import ReadFailed
from dashboard.sync.service import paused_plan
from dashboard.sync.undo import Line, recorded_plan
from dashboard.thinkific.errors import NotFoundError, ThinkificError

from ..runner import RunFailed
from .current import Found, access_plan, group_plan


def execute_undo(ctx: RunContext, decision: Decision, access: AccessRequest | None) -> None:
    original = db.session.get(SyncRun, ctx.run.undo_of_id)
    if original is None:
        raise RunFailed("The run to undo no longer exists.")
    recorded = recorded_plan(original)
    groups = {} if ctx.run.access_only else recorded.groups()
    if ctx.run.group_id is not None:
        groups = {ctx.run.group_id: groups.get(ctx.run.group_id, [])}
    whole = ctx.run.group_id is None and not ctx.run.access_only
    if whole:
        for line in recorded.left_alone:
            _record(ctx, line, EventOutcome.SKIPPED, line.reason)
    ctx.run.groups_total = len(groups)
    db.session.commit()
    for group_id, lines in groups.items():
        _undo_group(ctx, group_id, lines, decision)
        ctx.run.groups_done += 1
        db.session.commit()
    if recorded.access and not ctx.run.group_id:
        approved = access.approved if access is not None else frozenset()
        undo_access(ctx, recorded.access, approved)


def _undo_group(ctx: RunContext, group_id: int, lines: list[Line], decision: Decision) -> None:
    group = db.session.get(Group, group_id)
    if group is None:
        for line in lines:
            _record(ctx, line, EventOutcome.SKIPPED, _not_undone(line, "the group was deleted"))
        return
    waiting = paused_elsewhere(group, ctx.run.undo_of_id)
    if waiting:
        for line in lines:
            _record(ctx, line, EventOutcome.SKIPPED, _not_undone(line, waiting))
        return
    if not ctx.beat.lock_group(group.id):
        record_event(ctx, group, "sync_group", EventOutcome.SKIPPED, "another run is syncing it")
        return
    saved = copy.copy(ctx.tally)
    try:
        _undo_locked(ctx, group, lines, decision)
    except (ReadFailed, ThinkificError) as error:
        db.session.rollback()
        ctx.tally = saved
        fail_group(ctx, group, f"{error} Nothing of the undo was changed in this group.")
    except BaseException:
        stop_interrupted(group)
        raise
    finally:
        ctx.beat.unlock_group(group.id)


def paused_elsewhere(group: Group, original_id: int) -> str | None:
    """The group holds another plan for an admin's answer: it is answered first."""
    if group.sync_state != SyncState.PAUSED:
        return None
    run, _ = paused_plan(group)
    if run is None or run.undo_of_id == original_id:
        return None  # answered (being carried out), or this undo's own plan
    waits = f"the group waits for an admin's answer to a paused plan (run #{run.id})"
    return f"{waits}: answer it first"


def _undo_locked(ctx: RunContext, group: Group, lines: list[Line], decision: Decision) -> None:
    if group.thinkific_id is None or group.deleted_in_thinkific_at is not None:
        raise ReadFailed("The group is not in Thinkific (deleted there or never created).")
    store.note_synced(ctx.run.id, group.id)
    begin(group)
    view = read_both_sides(ctx, group)
    now = utcnow()
    plan, planned = group_plan(view, lines)
    for line in planned:
        if line.skipped:
            _record(ctx, line, EventOutcome.SKIPPED, _not_undone(line, line.skipped))
    if plan_needs_approval(plan, decision, group):
        group.last_read_at = now
        pause(ctx, view, plan)
        return
    group.last_read_at = now
    applier = GroupApply(
        view,
        plan,
        ctx.client,
        ctx.run.id,
        now,
        removals_mode(),
        ctx.tally,
        local_source=MemberSource.DASHBOARD,
    )
    applier.run(on_batch=ctx.save_counts)
    finish(ctx, group, applier)
    if plan.changes:  # the sides may differ now: the next sync merges the undo's changes
        group.pending_changes = True
        db.session.commit()


# -- course access -------------------------------------------------------------------------


def undo_access(ctx: RunContext, lines: list[Line], approved: frozenset[str]) -> None:
    """Change back the enrollments the run changed; a failed read changes none of them."""
    if not ctx.beat.lock(ACCESS_LOCK, wait=LOCK_WAIT):
        why = "course access not undone: another run is changing access; undo again later"
        record_event(ctx, None, "sync_access", EventOutcome.SKIPPED, why)
        db.session.commit()
        return
    saved = copy.copy(ctx.tally)
    try:
        _undo_access_locked(ctx, lines, approved)
    except ThinkificError as error:
        db.session.rollback()
        ctx.tally = saved
        ctx.tally.failures += 1
        ctx.problems.append(f"access: {error}")
        why = "course access not undone: nothing was enrolled or ended"
        record_event(ctx, None, "sync_access", EventOutcome.FAILED, why, str(error))
        ctx.save_counts()
        db.session.commit()
    finally:
        ctx.beat.unlock(ACCESS_LOCK)


def _undo_access_locked(ctx: RunContext, lines: list[Line], approved: frozenset[str]) -> None:
    ids = {line.user_id for line in lines if line.user_id is not None}
    users, records = load_users_and_records(ids)
    view = AccessView(Scope.users(ids), {}, {}, users, load_courses(), records)
    wanted = [record.thinkific_id for record in records.values() if record.thinkific_id]
    end_transaction()
    found = read_enrollments(ctx.client, wanted)
    now = utcnow()
    plan, planned = access_plan(lines, records, found, now)
    for line in planned:
        if line.skipped:
            _record(ctx, line, EventOutcome.SKIPPED, _not_undone(line, line.skipped))
    paused = needs_approval(plan, approved)
    applier = AccessApply(view, plan, ctx.client, ctx.run.id, now, ctx.tally, paused)
    applier.run(on_batch=ctx.save_counts)
    if applier.errors:
        failed = count(len(applier.errors), "access change")
        ctx.problems.append(f"access: {failed} failed. First: {applier.errors[0]}")
    if paused:
        ctx.problems.append(
            f"access: {count(len(plan.endings), 'ending')} wait for an admin's approval"
        )
    ctx.save_counts()
    db.session.commit()


def read_enrollments(client, thinkific_ids: list[int]) -> dict[int, Found]:
    """Each enrollment as Thinkific holds it now (any other error: the read failed)."""
    found = {}
    for enrollment_id in thinkific_ids:
        try:
            enrollment = client.get_enrollment(enrollment_id)
        except NotFoundError:
            found[enrollment_id] = Found(None, exists=False)
            continue
        found[enrollment_id] = Found(enrollment.expiry_date)
    return found


def _not_undone(line: Line, why: str) -> str:
    return f"not undone: {why} ({line.reason})"


def _record(ctx: RunContext, line: Line, outcome: EventOutcome, reason: str) -> None:
    group_id = line.group_id if line.group_id and db.session.get(Group, line.group_id) else None
    db.session.add(
        SyncEvent(
            run_id=ctx.run.id,
            group_id=group_id,
            user_id=line.user_id,
            course_id=line.course_id,
            email=line.email,
            action=line.undo or line.done,
            outcome=outcome,
            reason=reason,
            created_at=utcnow(),
        )
    )
