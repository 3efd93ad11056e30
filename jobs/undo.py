"""Undoing a run in the background (`dashboard.sync.undo`): starting it, and its job.

An undo whose removals paused a group (or whose course access endings wait) goes on, once an
admin approves, in a run of that group (or of the access) that is an undo of the same run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dashboard.access.step import AccessRequest
from dashboard.extensions import db
from dashboard.models import Account, Group, SyncRun
from dashboard.sync import runner
from dashboard.sync.group_sync import Decision
from dashboard.sync.service import SyncBusy
from dashboard.sync.undo import check
from dashboard.sync.undo_service import claimed_undo_run, note_started

from .enqueue import ALL_TIMEOUT, GROUP_TIMEOUT, _enqueue
from .sync import _finish

JOB = "jobs.undo.undo_run"


def start_undo(original: SyncRun, by: Account | None) -> SyncRun:
    """Undo `original` in the background; raises UndoRefused (why not) or SyncBusy."""
    check(original)
    run = claimed_undo_run(original, by)
    return _enqueue(run, JOB, ALL_TIMEOUT, {}, "undo run", lambda: note_started(original, run))


def continue_undo(
    paused: SyncRun, by: Account | None, *, group: Group | None = None,
    approved: Iterable[str] = (), on_queued: Callable[[], None] | None = None,
) -> SyncRun:  # fmt: skip
    """Carry out the approved part of an undo that paused: one group's, or the access."""
    try:
        run = claimed_undo_run(_run(paused.undo_of_id), by, group=group, access_only=not group)
    except SyncBusy as busy:  # like any start: the live run is shown, the answer waits
        db.session.rollback()
        return busy.run
    kwargs = {"approved": sorted(approved)}
    return _enqueue(run, JOB, GROUP_TIMEOUT, kwargs, "undo run", on_queued)


def undo_run(run_id: int, approved: list[str] = ()) -> str:
    """Undo the run that `run_id` undoes; `approved` are removals an admin approved."""
    decision = Decision(approved=frozenset(approved))
    access = AccessRequest(frozenset(), frozenset(approved))
    return _finish(runner.execute(run_id, decision, access))


def _run(run_id: int) -> SyncRun:
    return db.session.get(SyncRun, run_id)
