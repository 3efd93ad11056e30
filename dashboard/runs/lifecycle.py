"""A run's life: creating it, claiming its scope, telling a live run from a dead one, reaping.

A run is alive while it is queued in RQ (or was created a moment ago and is being queued), or
while its heartbeat key exists — unless RQ says its job has ended, or the process or worker it
names is gone from this host (see `locks`): then it is dead at once, not a heartbeat later.
A run that is neither is dead: its worker was killed or the job was lost.
`reap()` marks such runs failed and puts the groups they left in "queued" or
"syncing" back to a state that tells the truth, so no badge sticks forever.
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.worker import Worker
from sqlalchemy import select, update

from .. import counts
from ..extensions import db
from ..models import Account, Group, RunState, RunTrigger, SyncRun, SyncState, utcnow
from ..redis_client import get_redis
from . import locks, signals

ACTIVE = (RunState.QUEUED, RunState.RUNNING)
WAITING_JOB = (JobStatus.QUEUED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
ENDED_JOB = (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
BEING_QUEUED = timedelta(seconds=60)  # a run row exists, its job is being put on the queue
DIED = "The worker stopped during this run (killed or restarted); the next sync continues."
CHUNK = 500
DATABASE_LOST = "The database connection was lost during this run ({}); the next sync continues."
DATABASE_FAILED = "The database failed during this run ({}); the next sync continues."
DEATH_NOTE_TTL = 7 * 24 * 3600
GROUP_INTERRUPTED = "The last sync of this group was interrupted; the next sync retries it."


class SyncBusy(Exception):
    """A live run already owns the scope; `run` is that run."""

    def __init__(self, run: SyncRun) -> None:
        super().__init__(f"A sync is already running (run {run.id}).")
        self.run = run


def new_run(
    trigger: RunTrigger,
    group: Group | None = None,
    by: Account | None = None,
    state: RunState = RunState.QUEUED,
) -> SyncRun:
    run = SyncRun(
        trigger=trigger,
        group_id=group.id if group is not None else None,
        started_by_id=by.id if by is not None else None,
        state=state,
        groups_total=1 if group is not None else 0,
    )
    db.session.add(run)
    db.session.flush()
    return run


def claim_run(run: SyncRun) -> SyncRun | None:
    """Claim the run's scope; returns the live run already holding it, or None."""
    scope = locks.scope_of(run.group_id)
    for _ in range(3):
        holder_id = locks.claim(scope, run.id)
        if holder_id is None:
            return None
        holder = db.session.get(SyncRun, holder_id)
        if holder is not None and is_alive(holder):
            return holder
        locks.release(scope, holder_id)  # a dead run's claim
    raise RuntimeError(f"could not claim sync scope {scope}")


def live_run(group_id: int | None = None) -> SyncRun | None:
    """The live run of a scope (all groups when `group_id` is None), if any."""
    run_id = locks.claimant(locks.scope_of(group_id))
    run = db.session.get(SyncRun, run_id) if run_id is not None else None
    return run if run is not None and is_alive(run) else None


def is_alive(run: SyncRun) -> bool:
    if run.state == RunState.RUNNING:
        return locks.is_alive(run.id) and not _job_ended(run)
    if run.state != RunState.QUEUED:
        return False
    if run.job_id is None:
        return utcnow() - run.created_at < BEING_QUEUED
    return _job_waiting(run) or locks.is_alive(run.id)


def _job(run: SyncRun) -> Job | None:
    try:
        return Job.fetch(run.job_id, connection=get_redis())
    except NoSuchJobError:
        return None


def _job_ended(run: SyncRun) -> bool:
    """RQ says the run's job is over (its work horse died and the worker noticed)."""
    if run.job_id is None:
        return False
    job = _job(run)
    return job is not None and job.get_status(refresh=False) in ENDED_JOB


def _job_waiting(run: SyncRun) -> bool:
    job = _job(run)
    if job is None:
        return False
    status = job.get_status(refresh=False)
    if status == JobStatus.STARTED:  # dequeued a moment ago; its heartbeat starts shortly
        started = job.started_at
        fresh = started is not None and utcnow() - _aware(started) < BEING_QUEUED
        return fresh and _worker_alive(job)
    return status in WAITING_JOB


def _worker_alive(job: Job) -> bool:
    """The worker RQ says took the job is registered and, if on this host, running."""
    if not job.worker_name:
        return True
    key = Worker.redis_worker_namespace_prefix + job.worker_name
    worker = Worker.find_by_key(key, connection=get_redis())
    if worker is None:
        return False
    here = worker.hostname == socket.gethostname() and worker.pid is not None
    return not here or locks.process_exists(worker.pid)


def silent_for(run: SyncRun) -> float:
    """Seconds a running run's heartbeat is overdue: it may have stopped (0 when on time)."""
    return locks.silent_for(run.id) if run.state == RunState.RUNNING else 0.0


def reap() -> list[SyncRun]:
    """Fail dead runs and free the groups they left behind; returns the runs found dead.

    Called when a run is begun (`starting`) and when progress is asked for (`progress`)."""
    active = db.session.scalars(select(SyncRun).where(SyncRun.state.in_(ACTIVE))).all()
    dead = [run for run in active if not is_alive(run)]
    for run in dead:
        finish_dead(run)
    live = [run for run in active if run not in dead]
    _free_groups(live)
    db.session.commit()
    for run in dead:
        signals.run_ended.send(run)  # a dead run failed: admins hear of it
    return dead


def free_groups() -> None:
    """Put the groups no live run covers any more back to a state that tells the truth (a run
    that ends failed calls it for the groups it leaves queued or syncing)."""
    active = db.session.scalars(select(SyncRun).where(SyncRun.state.in_(ACTIVE))).all()
    _free_groups([run for run in active if is_alive(run)])


def finish_dead(run: SyncRun) -> None:
    note = get_redis().get(f"sync:death:{run.id}")
    run.state, run.finished_at = RunState.FAILED, utcnow()
    run.error = note.decode() if note is not None else DIED
    locks.release(locks.scope_of(run.group_id), run.id)
    locks.release_locks_of(run.id)


def note_death(run_id: int, why: str) -> str:
    """Say why a run died where its finder reads it, when the database cannot be written."""
    get_redis().set(f"sync:death:{run_id}", why, ex=DEATH_NOTE_TTL)
    return why


def _free_groups(live: list[SyncRun]) -> None:
    covers_all = any(run.group_id is None and not run.access_only for run in live)
    covered = {run.group_id for run in live}
    stuck = db.session.scalars(
        select(Group).where(Group.sync_state.in_((SyncState.QUEUED, SyncState.SYNCING)))
    ).all()
    live_ids = {run.id for run in live}
    for group in stuck:
        syncing = group.sync_state == SyncState.SYNCING
        if syncing and locks.group_lock_holder(group.id) not in live_ids:
            interrupted(group)
        elif group.sync_state == SyncState.QUEUED and not (covers_all or group.id in covered):
            group.sync_state, group.pending_changes = SyncState.IDLE, True


def interrupted(group: Group) -> None:
    """The group's sync stopped part-way (a shutdown, a lost connection, its worker gone): it
    says so, and counts the manual removals its committed batches opened or closed."""
    group.sync_state, group.last_error, group.pending_changes = (
        SyncState.ERROR,
        GROUP_INTERRUPTED,
        True,
    )
    counts.recount_manual_removals(group)


def queue_groups(group_ids: list[int]) -> None:
    """Show groups as queued (those not paused or being synced by another run)."""
    busy = (SyncState.SYNCING, SyncState.PAUSED)
    for start in range(0, len(group_ids), CHUNK):
        db.session.execute(
            update(Group)
            .where(Group.id.in_(group_ids[start : start + CHUNK]), Group.sync_state.not_in(busy))
            .values(sync_state=SyncState.QUEUED)
        )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
