"""What happened after a run to what it changed: later runs' events, admins' edits (the
Activity trail), the users' and courses' names now — read in a few set queries for all of the
run's changes at once, so planning the undo of a run of thousands of changes stays quick."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Activity, Course, EventOutcome, SyncEvent, User

CHUNK = 500
MEMBER_KINDS = ("member_added", "member_removed")
ADMIN_COLUMNS = (
    Activity.object_id,
    Activity.related_id,
    Activity.kind,
    Activity.actor_email,
    Activity.at,
)


def done_clause():
    """Events that changed something: applied, or a manual removal left open for a person."""
    return (SyncEvent.outcome == EventOutcome.APPLIED) | (
        (SyncEvent.outcome == EventOutcome.PENDING) & (SyncEvent.action == "manual_removal")
    )


@dataclass(frozen=True)
class Later:
    """A later change of the same thing: by a run (`run_id`) or by an admin (`actor`)."""

    order: object  # event id (runs) or moment (admins): what "after" compares
    action: str
    run_id: int | None = None
    actor: str = ""
    at: datetime | None = None


@dataclass
class History:
    emails: dict[int, str] = field(default_factory=dict)
    courses: dict[int, str] = field(default_factory=dict)
    runs: dict[tuple, list[Later]] = field(default_factory=dict)  # by what they changed
    admins: dict[tuple[int, int], list[Later]] = field(default_factory=dict)  # (group, user)

    def later_run(self, key: tuple, event_id: int) -> Later | None:
        return _first_after(self.runs.get(key, []), event_id)

    def later_admin(self, group_id: int, user_id: int, at: datetime) -> Later | None:
        return _first_after(self.admins.get((group_id, user_id), []), at)


def _first_after(changes: list[Later], moment) -> Later | None:
    index = bisect_right([change.order for change in changes], moment)
    return changes[index] if index < len(changes) else None


def load_history(
    events: list[SyncEvent], side_of: dict[str, str], ignored: Iterable[int]
) -> History:
    """Everything needed to tell which of `events` were changed again, and by whom."""
    history = History()
    users = sorted({event.user_id for event in events if event.user_id is not None})
    if not events:
        return history
    history.emails = _by_id(User.id, User.email, users)
    history.courses = _by_id(Course.id, Course.name, {e.course_id for e in events if e.course_id})
    first = min(event.id for event in events)
    since = min(event.created_at for event in events)
    skip = {events[0].run_id, *ignored}
    history.runs = _later_runs(users, first, skip, side_of)
    history.admins = _admin_edits(users, since)
    return history


def run_key(group_id: int | None, user_id: int | None, side: str) -> tuple:
    return ("member", group_id, user_id, side)


def access_key(user_id: int | None, course_id: int | None) -> tuple:
    return ("access", user_id, course_id)


def _later_runs(users: list[int], first: int, skip: set[int], side_of: dict[str, str]):
    found: dict[tuple, list[Later]] = defaultdict(list)
    columns = (
        SyncEvent.id,
        SyncEvent.run_id,
        SyncEvent.group_id,
        SyncEvent.user_id,
        SyncEvent.course_id,
        SyncEvent.action,
    )
    for chunk in _chunks(users):
        rows = db.session.execute(
            select(*columns)
            .where(SyncEvent.user_id.in_(chunk), SyncEvent.id > first, done_clause())
            .where(SyncEvent.run_id.not_in(sorted(skip)))
            .order_by(SyncEvent.id)
        )
        for event_id, run_id, group_id, user_id, course_id, action in rows:
            later = Later(event_id, action, run_id=run_id)
            if course_id is not None:
                found[access_key(user_id, course_id)].append(later)
            elif action in side_of:
                found[run_key(group_id, user_id, side_of[action])].append(later)
    return found


def _admin_edits(users: list[int], since: datetime) -> dict[tuple[int, int], list[Later]]:
    found: dict[tuple[int, int], list[Later]] = defaultdict(list)
    for chunk in _chunks(users):
        rows = db.session.execute(
            select(*ADMIN_COLUMNS)
            .where(
                Activity.kind.in_(MEMBER_KINDS),
                Activity.object_type == "group",
                Activity.related_type == "user",
                Activity.related_id.in_(chunk),
                Activity.at > since,
            )
            .order_by(Activity.at, Activity.id)
        )
        for group_id, user_id, kind, actor, at in rows:
            found[(group_id, user_id)].append(Later(at, kind, actor=actor, at=at))
    return found


def _by_id(id_column, value_column, ids: Iterable[int]) -> dict[int, str]:
    found = {}
    for chunk in _chunks(sorted(ids)):
        rows = db.session.execute(select(id_column, value_column).where(id_column.in_(chunk)))
        found.update({row_id: value for row_id, value in rows})
    return found


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]
