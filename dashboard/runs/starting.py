"""Beginning a run: the one way a run starts, in the background or in the calling process.

`begin()` says explicitly whether it started a new run or found the live run of that scope
(pressing Sync Groups twice shows the first run). It fails the runs found dead first, so the
page can say the last run stopped unexpectedly. A run whose job never reached the queue is
failed at once (no badge or button waits for a run that will never happen), and nothing else
the call meant to write is kept: an admin's answer to a paused plan stays unanswered.

When an admin presses Sync Groups while the running sync has stopped reporting, `begin` does
not wait on its heartbeat silently: it says it is checking, and the status poll starts the new
sync (`start_wanted`) as soon as the old run is confirmed dead.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from redis.exceptions import RedisError

from ..extensions import db
from ..models import Account, Group, RunState, RunTrigger, SyncRun, SyncState, utcnow
from ..redis_client import get_redis
from . import lifecycle, locks

WANTED = "sync:wanted:all"  # an admin pressed Sync Groups while the last run was being checked

Enqueue = Callable[[SyncRun], str | None]  # puts the run's job on a queue; returns its job id


class StartFailed(Exception):
    """A run could not be queued; the message says why in words."""


@dataclass(frozen=True)
class Started:
    run: SyncRun
    new: bool  # False: the run already going for that scope (shown instead)
    stopped: tuple[SyncRun, ...] = ()  # runs of all groups found dead just now
    checking: bool = False  # `run` stopped reporting; a new run starts once it is found dead


@dataclass(frozen=True)
class RunScope:
    """What a run covers: one group, all groups (None), or some users' access only."""

    group: Group | None = None
    access_only: bool = False
    undo_of: SyncRun | None = None  # the run this one undoes

    @property
    def group_id(self) -> int | None:
        return self.group.id if self.group is not None else None


def begin(
    scope: RunScope,
    trigger: RunTrigger,
    by: Account | None,
    enqueue: Enqueue,
    on_queued: Callable[[], None] | None = None,
    check_silent: bool = False,
) -> Started:
    """Begin a run of `scope` with `enqueue`, or return the live run of that scope.

    `on_queued` writes what goes with the run (committed with it, once its job is queued);
    `check_silent` (Sync Groups pressed by an admin) says so when the live run stopped
    reporting, instead of showing it as if all were well. Raises StartFailed."""
    try:
        stopped = tuple(run for run in lifecycle.reap() if run.group_id is None)
        found = None if scope.access_only else _already_running(scope, by, check_silent)
        if found is not None:
            db.session.rollback()
            return Started(found.run, new=False, stopped=stopped, checking=found.checking)
        run = _new_run(scope, trigger, by)
    except (RedisError, RuntimeError) as error:
        db.session.rollback()
        raise StartFailed(_why(error)) from error
    if isinstance(run, Started):
        return Started(run.run, new=False, stopped=stopped)
    _queue(run, enqueue, on_queued)
    return Started(run, new=True, stopped=stopped)


@dataclass(frozen=True)
class _Found:
    run: SyncRun
    checking: bool = False


def _already_running(scope: RunScope, by: Account | None, check_silent: bool) -> _Found | None:
    current = lifecycle.live_run(scope.group_id)
    if current is None:
        return None
    if check_silent and by is not None and lifecycle.silent_for(current) > 0:
        get_redis().set(WANTED, by.id, ex=2 * locks.heartbeat_seconds())
        return _Found(current, checking=True)
    return _Found(current)


def _new_run(scope: RunScope, trigger: RunTrigger, by: Account | None) -> SyncRun | Started:
    """A new run row, with its scope claimed; or the live run that holds the scope."""
    run = lifecycle.new_run(trigger, scope.group, by)
    run.access_only = scope.access_only
    run.undo_of_id = scope.undo_of.id if scope.undo_of is not None else None
    db.session.commit()
    if scope.access_only:  # access runs take no claim: the access lock serializes their writes
        return run
    try:
        holder = lifecycle.claim_run(run)
    except (RedisError, RuntimeError) as error:
        db.session.rollback()
        _abandon(run, error)
        raise
    if holder is not None:
        db.session.delete(run)
        db.session.commit()
        return Started(holder, new=False)
    if scope.group is not None:
        scope.group.sync_state = SyncState.QUEUED
    return run


def _queue(run: SyncRun, enqueue: Enqueue, on_queued: Callable[[], None] | None) -> None:
    """Put the run's job on the queue, then commit it with whatever goes with it."""
    try:
        run.job_id = enqueue(run)
    except (RedisError, RuntimeError) as error:
        db.session.rollback()
        _abandon(run, error)
        raise StartFailed(_why(error)) from error
    if on_queued is not None:
        on_queued()
    db.session.commit()


def _abandon(run: SyncRun, error: Exception) -> None:
    """Fail a run whose job never reached the queue."""
    run.state, run.finished_at = RunState.FAILED, utcnow()
    run.error = f"Could not be queued: {error}"
    db.session.commit()
    with suppress(RedisError):  # else the claim is found dead by its next reader
        locks.release(locks.scope_of(run.group_id), run.id)


def start_wanted(begin_for: Callable[[Account], Started]) -> SyncRun | None:
    """The sync an admin asked for while the last run was being checked, once nothing runs."""
    if lifecycle.live_run(None) is not None:
        return None
    account_id = get_redis().getdel(WANTED)
    by = db.session.get(Account, int(account_id)) if account_id is not None else None
    return begin_for(by).run if by is not None else None


def _why(error: Exception) -> str:
    if isinstance(error, RedisError):
        return (
            f"The sync could not start: Redis, where the queue lives, cannot be reached ({error})."
        )
    return f"The sync could not start: {error}."
