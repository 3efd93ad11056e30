"""What the rest of the dashboard asks about access: endings waiting for approval and the
admin's answer to them. Starting runs goes through `jobs.enqueue` (the one door to queues)."""

from __future__ import annotations

from sqlalchemy import func, select, update

from .. import activity
from ..extensions import db
from ..models import AccessEnrollment, Account, EventOutcome, SyncEvent, SyncRun, utcnow
from .planner import AccessAction
from .step import AccessRequest

ENDING = AccessAction.END.value


class NoAccessPlanWaiting(ValueError):
    """Approve/reject asked while no access ending waits for an admin."""


def paused_access() -> tuple[SyncRun | None, list[SyncEvent]]:
    """The access endings waiting for an admin's approval: the run that held them, and them."""
    waiting = (SyncEvent.action == ENDING, SyncEvent.outcome == EventOutcome.PENDING)
    run_id = db.session.scalar(select(func.max(SyncEvent.run_id)).where(*waiting))
    if run_id is None:
        return None, []
    events = db.session.scalars(
        select(SyncEvent).where(*waiting, SyncEvent.run_id == run_id).order_by(SyncEvent.id)
    ).all()
    return db.session.get(SyncRun, run_id), list(events)


def waiting_count() -> int:
    """How many access endings wait for an admin (for a banner)."""
    return len(paused_access()[1])


def waiting_endings() -> list[SyncEvent]:
    """The endings an admin can answer now; raises NoAccessPlanWaiting when there are none.

    Approved: `request_for` them is what the run that ends them does (re-planned then).
    Rejected: `answer_endings` marks the access kept, so later syncs leave it; nothing runs."""
    _, events = paused_access()
    events = [event for event in events if event.user_id and event.course_id]
    if not events:
        raise NoAccessPlanWaiting("No access ending is waiting for approval.")
    return events


def request_for(events: list[SyncEvent], approve: bool) -> AccessRequest:
    """What a run has to do for that answer (reads only)."""
    pairs = _pairs(events)
    users = frozenset(user for user, _ in pairs)
    return AccessRequest(users, frozenset(f"{u}:{c}" for u, c in pairs) if approve else frozenset())


def answer_endings(events: list[SyncEvent], approve: bool, by: Account | None) -> None:
    """Mark the endings answered, keep the access a rejection keeps, and record the answer
    (the caller commits)."""
    who = by.email if by is not None else "an admin"
    for event in events:
        event.outcome = EventOutcome.SKIPPED
        event.error = f"{'approved' if approve else 'rejected'} by {who}"
    if not approve:
        keep(_pairs(events))
    kind = activity.Kind.ACCESS_APPROVED if approve else activity.Kind.ACCESS_REJECTED
    users = {event.user_id for event in events}
    activity.record(kind, after={"endings": len(events), "users": len(users)})


def _pairs(events: list[SyncEvent]) -> set[tuple[int, int]]:
    return {(event.user_id, event.course_id) for event in events}


def keep(pairs: set[tuple[int, int]]) -> None:
    now = utcnow()
    for user_id, course_id in pairs:
        db.session.execute(
            update(AccessEnrollment)
            .where(
                AccessEnrollment.user_id == user_id,
                AccessEnrollment.course_id == course_id,
                AccessEnrollment.created_by_dashboard.is_(True),
            )
            .values(kept_at=now)
        )
