"""What the rest of the dashboard asks of the group sync engine: the newest run of a scope, the
plan paused for an admin's approval, and the admin's answer to it.

Starting runs goes through `jobs.enqueue`; a run's progress is `dashboard.runs.progress`.
"""

from __future__ import annotations

from sqlalchemy import func, select

from .. import activity
from ..extensions import db
from ..models import Account, EventOutcome, Group, SyncEvent, SyncRun
from .group_sync import AWAITING_APPROVAL, Decision
from .planner import Action


def latest_run(group: Group | None = None) -> SyncRun | None:
    """The newest run of all groups (or of `group`), live or finished (access-only runs,
    which sync no group, are not one)."""
    if group is None:
        scope = SyncRun.group_id.is_(None) & SyncRun.access_only.is_(False)
    else:
        scope = SyncRun.group_id == group.id
    return db.session.scalar(select(SyncRun).where(scope).order_by(SyncRun.id.desc()).limit(1))


def paused_plan(group: Group) -> tuple[SyncRun | None, list[SyncEvent]]:
    """The plan waiting for an admin's approval: the run that paused, and its changes."""
    run_id = db.session.scalar(
        select(func.max(SyncEvent.run_id)).where(
            SyncEvent.group_id == group.id,
            SyncEvent.outcome == EventOutcome.PENDING,
            SyncEvent.action.in_(AWAITING_APPROVAL),
        )
    )
    if run_id is None:
        return None, []
    events = db.session.scalars(
        select(SyncEvent)
        .where(
            SyncEvent.run_id == run_id,
            SyncEvent.group_id == group.id,
            SyncEvent.outcome == EventOutcome.PENDING,
        )
        .order_by(SyncEvent.id)
    ).all()
    return db.session.get(SyncRun, run_id), list(events)


def decision_of(events: list[SyncEvent], approve: bool) -> Decision:
    """The decision a paused plan's events amount to (reads only)."""
    removals = frozenset(
        e.email for e in events if e.action in (Action.REMOVE_LOCAL, Action.REMOVE_REMOTE)
    )
    return Decision(approved=removals) if approve else Decision(kept=removals)


def answer_paused(events: list[SyncEvent], approve: bool, by: Account | None) -> None:
    """Mark a paused plan's events answered and record the answer (the caller commits)."""
    who = by.email if by is not None else "an admin"
    verdict = "approved" if approve else "rejected"
    for event in events:
        event.outcome, event.error = EventOutcome.SKIPPED, f"{verdict} by {who}"
        if event.group is not None:
            event.group.removals_need_approval = False  # answered: the limit applies again
    if events:
        kind = activity.Kind.PLAN_APPROVED if approve else activity.Kind.PLAN_REJECTED
        activity.record(kind, events[0].group, after=answer_summary(events))


ANSWER_EMAILS = 20  # removals named in the activity record of an answer; the rest are counted


def answer_summary(events: list[SyncEvent]) -> dict:
    removals = sorted(
        e.email for e in events if e.action in (Action.REMOVE_LOCAL, Action.REMOVE_REMOTE)
    )
    return {"changes": len(events), "removals": len(removals), "members": removals[:ANSWER_EMAILS]}
