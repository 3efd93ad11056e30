"""A sync run from start to finish: discovery, then each group, progress written as it goes.

A run drives both engines: the group sync (`dashboard.sync`) and then course access
(`dashboard.access`), handing the access step the scope the groups covered; neither engine
imports the other. `execute(run_id)` is what the RQ jobs call; `run_in_foreground` begins a
run and executes it in the calling process (`flask sync run`, the clock's poll). `execute` may
be called again for the same run (a re-delivered job): a finished run is left alone, an
unfinished one continues.
Whatever happens, the run ends in a final state and releases its claim (`finally`). Every
Thinkific call is made with the session's transaction ended: what came before it is committed.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from dashboard.access.loading import Scope, describe_users
from dashboard.access.reading import poll_cost as access_poll_cost
from dashboard.access.step import AccessRequest, refresh_courses_step, sync_access
from dashboard.database import end_transaction
from dashboard.extensions import db
from dashboard.models import (
    Account,
    EventOutcome,
    Group,
    RunState,
    RunTrigger,
    SyncMode,
    SyncRun,
    SyncState,
    utcnow,
)
from dashboard.runs import lifecycle as runs
from dashboard.runs import locks, signals
from dashboard.runs import notes as progress
from dashboard.runs.context import RunContext
from dashboard.runs.lifecycle import ACTIVE, SyncBusy, queue_groups
from dashboard.runs.starting import RunScope, begin
from dashboard.sync import polling
from dashboard.sync.discovery import Step, apply_step, local_groups, plan_discovery
from dashboard.sync.group_sync import Decision, fail_group, record, sync_group
from dashboard.thinkific.errors import ThinkificError
from dashboard.thinkific.remote import thinkific_client

STEP_COUNTS = {Step.IMPORT: "groups_imported", Step.CREATE: "groups_created"}


def run_in_foreground(
    group: Group | None = None,
    trigger: RunTrigger = RunTrigger.CLI,
    by: Account | None = None,
    decision: Decision | None = None,
    job_id: str | None = None,
) -> SyncRun:
    """Run a sync in this process (the CLI, the clock's poll job); raises SyncBusy when a
    live run already owns the scope."""
    started = begin(RunScope(group), trigger, by, lambda run: job_id)
    if not started.new:
        raise SyncBusy(started.run)
    return execute(started.run.id, decision)


class RunFailed(Exception):
    """The run as a whole could not go on (no credentials, Thinkific's group list unreadable)."""


Body = Callable[[RunContext, Decision, AccessRequest | None], None]


def execute(
    run_id: int,
    decision: Decision | None = None,
    access: AccessRequest | None = None,
    body: Body | None = None,
) -> SyncRun | None:
    """Carry out the run: a sync (of all groups, one group, or access), or `body` (an undo)."""
    run = db.session.get(SyncRun, run_id)
    if run is None or run.state not in ACTIVE:
        return run
    scope = locks.scope_of(run.group_id)  # read now: a lost database could not tell it later
    try:
        with locks.Heartbeat(run.id) as beat, thinkific_client(progress.on_wait(run.id)) as client:
            start(run)
            ctx = RunContext(run, client, beat)
            _execute(ctx, decision or Decision(), access, body)
    except (RunFailed, ThinkificError) as error:
        db.session.rollback()
        end(run, RunState.FAILED, str(error))
    except DBAPIError as error:
        _end_without_database(run, run_id, error)
        raise
    except BaseException as error:
        db.session.rollback()
        end(run, RunState.FAILED, f"Stopped: {error or type(error).__name__}", interrupted=True)
        raise
    finally:
        locks.release(scope, run_id)
    return run


def _end_without_database(run: SyncRun, run_id: int, error: DBAPIError) -> None:
    """The database failed mid-run: say so (in Redis first, as it may stay unreachable)."""
    detail = str(error.orig).strip().splitlines()[0][:200] if error.orig else type(error).__name__
    why = (runs.DATABASE_LOST if error.connection_invalidated else runs.DATABASE_FAILED).format(
        detail
    )
    with suppress(RedisError):
        runs.note_death(run_id, why)
    with suppress(SQLAlchemyError):  # the database may still be gone: the caller re-raises
        db.session.rollback()
        end(run, RunState.FAILED, why, interrupted=True)


def start(run: SyncRun) -> None:
    run.state, run.error = RunState.RUNNING, None
    run.started_at = run.started_at or utcnow()
    db.session.commit()


def _execute(
    ctx: RunContext, decision: Decision, access: AccessRequest | None, body: Body | None
) -> None:
    if body is not None:
        body(ctx, decision, access)
    elif ctx.run.undo_of_id is not None:
        raise RunFailed("An undo is carried out by its own job (jobs.undo).")
    elif ctx.run.access_only:
        sync_access_only(ctx, access or AccessRequest(frozenset()))
    elif ctx.run.group_id is None:
        sync_all(ctx)
    else:
        sync_one(ctx, decision)
    end(ctx.run, final_state(ctx), summary(ctx))


def sync_all(ctx: RunContext) -> None:
    conflicts = discover(ctx)
    refresh_courses_step(ctx)
    group_ids = groups_to_sync(ctx.run.trigger, conflicts)
    queue_groups(group_ids)
    ctx.run.groups_total = len(group_ids)
    db.session.commit()
    for group_id in group_ids:
        group = db.session.get(Group, group_id)
        if group is not None:
            sync_group(ctx, group)
        ctx.run.groups_done += 1
        db.session.commit()
    sync_access(ctx, Scope.everyone())


def sync_one(ctx: RunContext, decision: Decision) -> None:
    group = ctx.run.group
    if group is None:
        raise RunFailed("The group of this run no longer exists.")
    ctx.run.groups_total = 1
    db.session.commit()
    problem = ensure_in_thinkific(ctx, group)
    if problem:
        fail_group(ctx, group, problem)
    else:
        sync_group(ctx, group, decision)
    ctx.run.groups_done = 1
    db.session.commit()
    sync_access(ctx, Scope.group(group))


def sync_access_only(ctx: RunContext, access: AccessRequest) -> None:
    """Refresh the access of some users (a webhook, an admin's approval of endings)."""
    scope = Scope.users(access.user_ids, describe_users(access.user_ids))
    problem = sync_access(ctx, scope, access.approved)
    if problem:
        raise RunFailed(problem)


def discover(ctx: RunContext) -> set[int]:
    """Discovery of DESIGN §4.1; returns the ids of groups in a naming conflict."""
    end_transaction()
    try:
        remote = list(ctx.client.iter_groups())
    except ThinkificError as error:
        raise RunFailed(f"Could not list Thinkific's groups: {error}") from error
    conflicts: set[int] = set()
    for step in plan_discovery(local_groups(), remote):
        conflicts |= _discovery_step(ctx, step)
    return conflicts


def _discovery_step(ctx: RunContext, step) -> set[int]:
    if step.step == Step.CONFLICT:
        group = db.session.get(Group, step.group_id) if step.group_id else None
        record(ctx, group, step.step.value, EventOutcome.FAILED, step.reason, step.reason)
        ctx.tally.failures += 1
        ctx.problems.append(f"{step.name}: {step.reason}")
        if group is not None:
            group.sync_state, group.last_error = SyncState.ERROR, step.reason
        db.session.commit()
        return {step.group_id} if step.group_id else set()
    try:
        group = apply_step(step, ctx.client, utcnow())
    except ThinkificError as error:
        db.session.rollback()
        fail_group(ctx, db.session.get(Group, step.group_id), str(error))
        return {step.group_id}
    record(ctx, group, step.step.value, EventOutcome.APPLIED, f"{step.name}: {step.reason}")
    if step.step in STEP_COUNTS:
        name = STEP_COUNTS[step.step]
        setattr(ctx.tally, name, getattr(ctx.tally, name) + 1)
    ctx.save_counts()
    db.session.commit()
    return set()


def groups_to_sync(trigger: RunTrigger, excluded: set[int]) -> list[int]:
    """Synced groups, pending changes first, then least recently read (DESIGN §4.6)."""
    candidates = polling.candidates(excluded)
    if trigger == RunTrigger.SCHEDULE:
        poll = polling.poll_budget(current_app.config)
        candidates = polling.choose(candidates, poll, polling.fixed_cost(access_poll_cost()))
    return [c.id for c in candidates if runs.live_run(c.id) is None]


def ensure_in_thinkific(ctx: RunContext, group: Group) -> str | None:
    """Link or create the group in Thinkific if needed; returns a problem in words, or None."""
    if group.deleted_in_thinkific_at is not None:
        return "This group was deleted in Thinkific; its links are paused."
    if group.sync_mode == SyncMode.NONE:
        return "No team link of this group syncs."
    if group.thinkific_id is not None:
        return None
    name, pulls = group.name, group.sync_mode == SyncMode.PULL
    end_transaction()
    found = ctx.client.find_group_by_name(name)
    if found is None and pulls:
        return "This group does not exist in Thinkific, and its links only pull from there."
    taken = found and db.session.scalar(select(Group.id).filter_by(thinkific_id=found.id))
    if taken:
        return f"Thinkific's group “{found.name}” is already linked to another dashboard group."
    end_transaction()
    created = found or ctx.client.create_group(name)  # killed after it: found by name next
    group.thinkific_id, group.token = created.id, created.token
    group.name = created.name  # Thinkific adds members by its exact spelling of the name
    why = "linked by name" if found else "created in Thinkific"
    step = Step.LINK if found else Step.CREATE
    record(ctx, group, step.value, EventOutcome.APPLIED, f"{group.name}: {why}")
    ctx.tally.groups_created += 0 if found else 1
    db.session.commit()
    return None


def summary(ctx: RunContext) -> str | None:
    """The run's problems in words (the first few), or None."""
    if not ctx.problems:
        return None
    shown = "; ".join(ctx.problems[:3])
    more = f" (and {len(ctx.problems) - 3} more)" if len(ctx.problems) > 3 else ""
    return f"{shown}{more}"


def final_state(ctx: RunContext) -> RunState:
    if ctx.tally.failures == 0 and ctx.groups_failed == 0:
        return RunState.SUCCEEDED
    total = ctx.run.groups_total
    return RunState.FAILED if total and ctx.groups_failed >= total else RunState.PARTIAL


def end(run: SyncRun, state: RunState, error: str | None = None, interrupted=False) -> None:
    run.state, run.finished_at = state, utcnow()
    if error:
        run.error = error
    if interrupted or state == RunState.FAILED:
        runs.free_groups()
    db.session.commit()
    signals.run_ended.send(run)  # admins hear of waiting plans and failures
