"""The sync jobs (DESIGN §4.6). Each takes ids, loads what it needs, and always finishes its
run: `runner.execute` sets the final state in `finally`, and may be called again for the same
run (a re-delivered job continues where the killed one stopped)."""

from __future__ import annotations

from rq import get_current_job

from dashboard.access.step import AccessRequest
from dashboard.extensions import db
from dashboard.models import RunTrigger
from dashboard.runs.lifecycle import SyncBusy
from dashboard.sync.group_sync import Decision

from . import runner
from .runner import run_in_foreground


def sync_all(run_id: int) -> str:
    """Discover groups, then sync every synced group."""
    return _finish(runner.execute(run_id))


def sync_group(run_id: int, decision: dict | None = None) -> str:
    """Sync one group; `decision` is an admin's answer to its paused plan."""
    answer = Decision(
        approved=frozenset((decision or {}).get("approved", ())),
        kept=frozenset((decision or {}).get("kept", ())),
    )
    return _finish(runner.execute(run_id, answer))


def sync_access(run_id: int, user_ids: list[int] = (), approved: list[str] = ()) -> str:
    """Refresh some users' course access; `approved` are endings an admin approved."""
    request = AccessRequest(frozenset(user_ids), frozenset(approved))
    return _finish(runner.execute(run_id, access=request))


def poll() -> str:
    """The clock's job: a scheduled sync of all groups (within the budget), unless one runs."""
    job = get_current_job()
    try:
        run = run_in_foreground(trigger=RunTrigger.SCHEDULE, job_id=job.id if job else None)
    except SyncBusy as busy:
        return f"skipped: run {busy.run.id} is running"
    finally:
        db.session.remove()
    return f"run {run.id}: {run.state}"


def _finish(run) -> str:
    state = "missing" if run is None else f"run {run.id}: {run.state}"
    db.session.remove()
    return state
