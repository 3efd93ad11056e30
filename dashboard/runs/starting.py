"""Starting a background run from a view: the run the page shows, or why it could not start.

`start()` wraps a `jobs.enqueue` call. A run row whose job never reached the queue is failed
at once (no badge or button waits for a run that will never happen), and nothing else the
call meant to write is kept: an admin's answer to a paused plan stays unanswered.

`start_all()` is Sync Groups: it first fails the runs found dead (so the page can say the last
run stopped unexpectedly), and when the running sync has stopped reporting it does not wait on
its heartbeat silently: it says it is checking, and the status poll starts the new sync
(`start_wanted`) as soon as the old run is confirmed dead.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace

from redis.exceptions import RedisError
from sqlalchemy import func, select

from ..extensions import db
from ..models import Account, RunState, SyncRun, utcnow
from ..redis_client import get_redis
from . import lifecycle as runs
from . import locks

WANTED = "sync:wanted:all"  # an admin pressed Sync Groups while the last run was being checked


class StartFailed(Exception):
    """A run could not be queued; the message says why in words."""


@dataclass(frozen=True)
class Started:
    run: SyncRun
    new: bool  # False: the run already going for that scope (shown instead)
    stopped: tuple[SyncRun, ...] = ()  # runs of all groups found dead just now
    checking: bool = False  # `run` stopped reporting; a new run starts once it is found dead


def start_all(begin: Callable[[], SyncRun], by: Account) -> Started:
    """Sync Groups: start a sync of all groups, saying what became of the last one."""
    try:
        stopped = tuple(run for run in runs.recover_stale() if run.group_id is None)
        current = runs.live_run(None)
        if current is not None and runs.silent_for(current) > 0:
            get_redis().set(WANTED, by.id, ex=2 * locks.heartbeat_seconds())
            return Started(current, new=False, checking=True)
    except RedisError as error:
        db.session.rollback()
        raise StartFailed(_why(error)) from error
    return replace(start(begin, by), stopped=stopped)


def start_wanted(begin: Callable[[Account], SyncRun]) -> SyncRun | None:
    """The sync an admin asked for while the last run was being checked, once nothing runs."""
    if runs.live_run(None) is not None:
        return None
    account_id = get_redis().getdel(WANTED)
    by = db.session.get(Account, int(account_id)) if account_id is not None else None
    return start(lambda: begin(by), by).run if by is not None else None


def start(begin: Callable[[], SyncRun], by: Account) -> Started:
    """Start a background run with `begin` (a `jobs.enqueue` call), or say why it could not.

    A run row whose job never reached the queue is failed at once, so no badge or button
    waits for a run that will never happen.
    """
    newest = db.session.scalar(select(func.max(SyncRun.id))) or 0
    try:
        run = begin()
    except (RedisError, RuntimeError) as error:
        db.session.rollback()
        abandon_unqueued(newest, by, error)
        raise StartFailed(_why(error)) from error
    return Started(run, new=run.id > newest)


def abandon_unqueued(after_id: int, by: Account, error: Exception) -> None:
    stuck = db.session.scalars(
        select(SyncRun).where(
            SyncRun.id > after_id,
            SyncRun.started_by_id == by.id,
            SyncRun.state == RunState.QUEUED,
            SyncRun.job_id.is_(None),
        )
    ).all()
    for run in stuck:
        run.state, run.finished_at = RunState.FAILED, utcnow()
        run.error = f"Could not be queued: {error}"
        with suppress(RedisError):  # else the claim is found dead by its next reader
            locks.release(locks.scope_of(run.group_id), run.id)
    db.session.commit()


def _why(error: Exception) -> str:
    if isinstance(error, RedisError):
        return (
            f"The sync could not start: Redis, where the queue lives, cannot be reached ({error})."
        )
    return f"The sync could not start: {error}."
