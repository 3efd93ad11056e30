"""Notifications to admins by email and chat (DESIGN §7).

Syncs say what happened with one call, `run_ended(run)` (or `record(...)` for one event); that
call stores each event once and schedules its kind's digest on RQ, and never raises: a sync
does not fail because a notification could not be recorded. Sending happens in jobs
(`jobs.notifications`), never in a web request.
"""

from flask import Blueprint

from .events import group_paused, record, run_ended
from .kinds import Kind

bp = Blueprint("notifications", __name__)

__all__ = ["Kind", "blueprint", "bp", "group_paused", "record", "run_ended"]


def blueprint() -> Blueprint:
    """The blueprint with its routes (the Outbox, saving preferences and channel settings)."""
    from . import views  # noqa: F401

    return bp
