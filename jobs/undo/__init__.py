"""Undoing a run (`dashboard.sync.undo` says what it applied): its job, planning against both
sides as they are now (`current`), carrying it out (`execute`), and the preview and CLI
(`service`). Starting one in the background goes through the one door, `jobs.enqueue`.

An undo whose removals paused a group (or whose course access endings wait) goes on, once an
admin approves, in a run of that group (or of the access) that is an undo of the same run.
"""

from __future__ import annotations

from dashboard.access.step import AccessRequest
from dashboard.sync.group_sync import Decision

from .. import runner
from ..sync import _finish
from .execute import execute_undo


def undo_run(run_id: int, approved: list[str] = ()) -> str:
    """Undo the run that `run_id` undoes; `approved` are removals an admin approved."""
    decision = Decision(approved=frozenset(approved))
    access = AccessRequest(frozenset(), frozenset(approved))
    return _finish(runner.execute(run_id, decision, access, body=execute_undo))
