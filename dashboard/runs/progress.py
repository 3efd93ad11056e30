"""What is running, and how far it got: the one place the UI and the jobs ask.

- `current_run(group)` — the live run of all groups (or of one group), if any.
- `live_progress(run)` — the run as the UI shows it (label, counts, phase, waits, time left).
- `reap_now_and_then()` — the status polls' way of finding dead runs, at most once every
  `REAP_EVERY` seconds for the whole deployment (a Redis key decides who), so a killed worker
  never leaves a badge spinning, and a hundred open tabs do not scan the runs a hundred times.

A run found dead on the way (its heartbeat gone, its process gone, its job ended) is failed
here and its groups are freed (`lifecycle.reap`): "no live run" and a run still marked running
never meet, and a badge never says Running (or Syncing) for a run that stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app

from ..models import Group, RunState, SyncRun
from ..redis_client import get_redis
from . import lifecycle, notes

REAP_EVERY = 10  # seconds
RECOVER_KEY = "sync:ui:recovered"

STATES = {  # a run's state in words: the one vocabulary of every screen (history, bars, Access)
    RunState.QUEUED: "Queued",
    RunState.RUNNING: "Running",
    RunState.SUCCEEDED: "Succeeded",
    RunState.PARTIAL: "Partly failed",
    RunState.FAILED: "Failed",
}


@dataclass(frozen=True)
class Progress:
    """A run as the UI shows it (one function maps run state to what the UI says)."""

    run_id: int
    state: RunState
    label: str
    groups_done: int
    groups_total: int
    active: bool
    error: str | None
    silent_for: float = 0.0  # seconds its heartbeat is overdue: it may have stopped
    phase: str = ""  # of a live run: queued, discovery, groups, access
    access: notes.AccessPhase | None = None  # the access changes it plans, once planned
    waiting: notes.Waiting | None = None  # what it waits for on Thinkific now
    seconds_left: int | None = None  # estimated from the request budget

    @property
    def percent(self) -> int:
        return int(100 * self.groups_done / self.groups_total) if self.groups_total else 0


def current_run(group: Group | None = None) -> SyncRun | None:
    """The live run of all groups (or of `group`), if any. When there is none, runs whose
    worker died are failed first (a heartbeat can lapse between two reads: it is looked at
    after the answer is known)."""
    run = lifecycle.live_run(group.id if group is not None else None)
    if run is None:
        lifecycle.reap()
    return run


def live_progress(run: SyncRun) -> Progress:
    """The run as the UI shows it; a run found dead is failed now (its groups freed)."""
    found = run_progress(run)
    if not found.active and run.state in lifecycle.ACTIVE:
        lifecycle.reap()
        found = run_progress(run)
    return found


def reap_now_and_then() -> None:
    """Fail runs whose worker died, at most once every REAP_EVERY seconds in all."""
    if get_redis().set(RECOVER_KEY, 1, nx=True, ex=REAP_EVERY):
        lifecycle.reap()


def run_progress(run: SyncRun) -> Progress:
    """The run as the UI shows it, as it stands (nothing is reaped)."""
    active = run.state in lifecycle.ACTIVE and lifecycle.is_alive(run)
    label = STATES[run.state]
    if active and run.groups_total:
        label = f"{label} {run.groups_done}/{run.groups_total}"
    base = Progress(run.id, run.state, label, run.groups_done, run.groups_total, active, run.error)
    if not active:
        return base
    access = notes.access_phase(run.id) if run.state == RunState.RUNNING else None
    phase = "access" if access is not None else phase_of(run)
    return replace(
        base,
        silent_for=lifecycle.silent_for(run),
        phase=phase,
        access=access,
        waiting=notes.waiting(run.id),
        seconds_left=seconds_left(run, phase, access),
    )


def phase_of(run: SyncRun) -> str:
    if run.state == RunState.QUEUED:
        return "queued"
    if run.access_only or (run.groups_total and run.groups_done >= run.groups_total):
        return "access"
    return "groups" if run.groups_total else "discovery"


def seconds_left(run: SyncRun, phase: str, access: notes.AccessPhase | None) -> int | None:
    """Time left at THINKIFIC_RATE_LIMIT for the calls still planned: the rest of the groups
    at the run's calls per group so far, or the access changes not yet made (one call each)."""
    if phase == "groups" and run.groups_done:
        calls = run.calls / run.groups_done * (run.groups_total - run.groups_done)
    elif phase == "access" and access is not None and access.planned is not None:
        calls = access.planned - access_made(run) - access_failed(run, access)
    else:
        return None
    return notes.seconds_for(max(0, calls), current_app.config["THINKIFIC_RATE_LIMIT"])


def access_made(run: SyncRun) -> int:
    return run.access_granted + run.access_changed + run.access_ended


def access_failed(run: SyncRun, access: notes.AccessPhase) -> int:
    return max(0, run.failures - access.failures_before)
