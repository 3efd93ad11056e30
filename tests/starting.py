"""Starting runs the way the screens do, for tests that only want the run (`jobs.enqueue`'s
`begin_*` say whether it is new; the views use that, the tests here do not need it)."""

from __future__ import annotations

from dashboard.models import Account, Group, RunTrigger, SyncRun
from dashboard.sync.group_sync import Decision
from dashboard.sync.service import answer_paused, decision_of, paused_plan
from jobs.enqueue import begin_access_approval, begin_decision, begin_sync_all


def start_sync_all(trigger: RunTrigger = RunTrigger.MANUAL, by: Account | None = None) -> SyncRun:
    return begin_sync_all(trigger, by).run


def approve_paused_plan(group: Group, by: Account | None) -> SyncRun:
    return begin_decision(group, by, approve=True).run


def reject_paused_plan(group: Group, by: Account | None) -> SyncRun:
    return begin_decision(group, by, approve=False).run


def approve_access_plan(by: Account | None) -> SyncRun:
    return begin_access_approval(by).run


def decision_for(group: Group, approve: bool, by: Account | None) -> Decision:
    """Turn the paused plan into an admin's decision, and mark its events answered."""
    _, events = paused_plan(group)
    answer_paused(events, approve, by)
    return decision_of(events, approve)
