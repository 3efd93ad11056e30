"""Undoing a finished run: what it applied, as its events recorded it, and what reverts it.

The run's events are the source of what it did: a member it added is removed and a member it
removed is added back, on the side where it changed them; course access it granted is ended
and an expiry it moved is restored. Groups it created or linked in Thinkific are left alone.

A change that was changed again since — by a later run (its events) or by an admin (the
Activity trail) — is not reverted: its line is skipped with the reason. This module plans from
the database only; `undo_current` then re-plans each line against both sides as they are now.

Refused: a run still going, a run already undone (or being undone), an undo, a dry run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Activity, Course, EventOutcome, Group, RunState, SyncEvent, SyncRun, User
from .planner import Action
from .runs import ACTIVE
from .words import when

THINKIFIC, DASHBOARD = "Thinkific", "the dashboard"
# what the run did → (the side it changed, what undoes it)
MEMBER_UNDO = {
    "add_remote": (THINKIFIC, Action.REMOVE_REMOTE),
    "remove_remote": (THINKIFIC, Action.ADD_REMOTE),
    "manual_removal": (THINKIFIC, Action.ADD_REMOTE),
    "add_local": (DASHBOARD, Action.REMOVE_LOCAL),
    "remove_local": (DASHBOARD, Action.ADD_LOCAL),
}
DONE_WORDS = {
    "add_remote": "added in Thinkific",
    "remove_remote": "removed from Thinkific",
    "manual_removal": "removed from Thinkific (manual action)",
    "add_local": "added to the dashboard",
    "remove_local": "removed from the dashboard",
}
UNDO_WORDS = {
    Action.REMOVE_REMOTE: "remove from Thinkific",
    Action.ADD_REMOTE: "add back in Thinkific",
    Action.REMOVE_LOCAL: "remove from the dashboard",
    Action.ADD_LOCAL: "add back in the dashboard",
}
ACCESS_ACTIONS = ("grant_access", "extend_access", "shorten_access", "end_access")
END_ACCESS, RESTORE_ACCESS = "end_access", "restore_access"
GROUP_STEPS = {
    "create_group": "created in Thinkific",
    "link_group": "linked by name",
    "import_group": "imported from Thinkific",
}
LEFT_ALONE = "left alone: an undo never deletes, unlinks or renames a group"


class UndoRefused(Exception):
    """The run cannot be undone; the message says why in words."""


@dataclass(frozen=True)
class Line:
    """One change of the run, and what reverts it (or why it is left as it is)."""

    event_id: int
    group_id: int | None
    group_name: str
    email: str
    user_id: int | None
    done: str  # the run's action
    undo: str  # an Action value, END_ACCESS, RESTORE_ACCESS, or "" (left alone)
    reason: str
    skipped: str | None = None
    course_id: int | None = None
    expires_before: datetime | None = None  # access: the expiry to restore

    @property
    def side(self) -> str | None:
        return MEMBER_UNDO[self.done][0] if self.done in MEMBER_UNDO else None

    @property
    def is_access(self) -> bool:
        return self.done in ACCESS_ACTIONS

    @property
    def removes(self) -> bool:
        return self.undo in (Action.REMOVE_LOCAL, Action.REMOVE_REMOTE, END_ACCESS)

    def skip(self, why: str) -> Line:
        return self if self.skipped else replace(self, skipped=why)


@dataclass
class RecordedPlan:
    run: SyncRun
    lines: list[Line] = field(default_factory=list)

    def groups(self) -> dict[int, list[Line]]:
        """Member lines by group, in the order the run met the groups."""
        found: dict[int, list[Line]] = {}
        for line in self.lines:
            if line.side and line.group_id is not None:
                found.setdefault(line.group_id, []).append(line)
        return found

    @property
    def access(self) -> list[Line]:
        return [line for line in self.lines if line.is_access]

    @property
    def left_alone(self) -> list[Line]:
        return [line for line in self.lines if not line.undo]


def undo_runs(run: SyncRun) -> list[SyncRun]:
    """The runs that undo `run` (the first, then any that carried out an approval)."""
    query = select(SyncRun).where(SyncRun.undo_of_id == run.id).order_by(SyncRun.id)
    return list(db.session.scalars(query))


def refusal(run: SyncRun) -> str | None:
    """Why `run` cannot be undone now, in words; None when it can."""
    if run.state in ACTIVE:
        return f"Run #{run.id} is still running: it can be undone once it has finished."
    if run.undo_of_id is not None:
        return (
            f"Run #{run.id} is itself an undo (of run #{run.undo_of_id}): an undo is not undone. "
            "Change the members or links and sync instead."
        )
    if run.dry_run:
        return f"Run #{run.id} was a dry run: it changed nothing."
    done = [undo for undo in undo_runs(run) if undo.state != RunState.FAILED or _changed(undo)]
    if done:
        verb = "is being undone" if done[-1].state in ACTIVE else "was already undone"
        return f"Run #{run.id} {verb} by run #{done[0].id}: a run is undone once."
    return None


def _changed(undo: SyncRun) -> bool:
    """The undo applied something, or left something waiting (a failed read changed nothing:
    such an undo may be tried again)."""
    done = SyncEvent.outcome.in_((EventOutcome.APPLIED, EventOutcome.PENDING))
    query = select(SyncEvent.id).where(SyncEvent.run_id == undo.id, done).limit(1)
    return db.session.scalar(query) is not None


def check(run: SyncRun) -> None:
    problem = refusal(run)
    if problem:
        raise UndoRefused(problem)


def recorded_plan(run: SyncRun) -> RecordedPlan:
    """Every change `run` applied, with what reverts it or why it stays (database only)."""
    plan = RecordedPlan(run)
    ignored = {undo.id for undo in undo_runs(run)}  # the undo's own changes are not "later"
    for event, group_name in _applied(run):
        line = _line(run, event, group_name)
        if line is None:
            continue
        changed = _changed_since(run, event, line, ignored) if line.undo else None
        plan.lines.append(line.skip(changed) if changed else line)
    return plan


def _applied(run: SyncRun) -> list[tuple[SyncEvent, str | None]]:
    done = (SyncEvent.outcome == EventOutcome.APPLIED) | (
        (SyncEvent.outcome == EventOutcome.PENDING) & (SyncEvent.action == "manual_removal")
    )
    query = (
        select(SyncEvent, Group.name)
        .outerjoin(Group, Group.id == SyncEvent.group_id)
        .where(SyncEvent.run_id == run.id, done)
        .order_by(SyncEvent.id)
    )
    return [(event, name) for event, name in db.session.execute(query)]


def _line(run: SyncRun, event: SyncEvent, group_name: str | None) -> Line | None:
    email = _email(event)
    base = Line(event.id, event.group_id, group_name or "", email, event.user_id, event.action,
                "", "", course_id=event.course_id,
                expires_before=event.expires_before)  # fmt: skip
    if event.action in MEMBER_UNDO:
        undo = MEMBER_UNDO[event.action][1]
        why = f"{UNDO_WORDS[undo]}: {DONE_WORDS[event.action]} by run #{run.id}"
        line = replace(base, undo=undo.value, reason=why)
        return line if event.user_id else line.skip("the user no longer exists in the dashboard")
    if event.action in ACCESS_ACTIONS:
        return _access_line(run, event, base)
    if event.action in GROUP_STEPS:
        why = f"{GROUP_STEPS[event.action]} by run #{run.id}; {LEFT_ALONE}"
        return replace(base, reason=why)
    return None


def _access_line(run: SyncRun, event: SyncEvent, base: Line) -> Line:
    course = _course_name(event.course_id)
    if event.action == "grant_access":
        why = f"end access to {course}: granted by run #{run.id}"
        return replace(base, undo=END_ACCESS, reason=why)
    verb = {"extend_access": "extended", "shorten_access": "shortened", "end_access": "ended"}
    before = event.expires_before
    was = "no end" if before is None or before.year >= 2099 else f"{before:%Y-%m-%d %H:%M} UTC"
    why = f"restore access to {course} ({was}): {verb[event.action]} by run #{run.id}"
    line = replace(base, undo=RESTORE_ACCESS, reason=why)
    if before is None:
        return line.skip("the run did not record the end date it replaced")
    return line


def _changed_since(run: SyncRun, event: SyncEvent, line: Line, ignored: set[int]) -> str | None:
    """What changed the same thing again after the run: a later run, or an admin."""
    later = _later_event(event, line, ignored)
    if later is not None:
        return _later_words(line, later)
    if line.side == DASHBOARD:
        return _admin_since(event, line)
    return None


def _later_event(event: SyncEvent, line: Line, ignored: Iterable[int]) -> SyncEvent | None:
    query = select(SyncEvent).where(
        SyncEvent.id > event.id,
        SyncEvent.run_id != event.run_id,
        SyncEvent.run_id.not_in(list(ignored) or [0]),
        (SyncEvent.outcome == EventOutcome.APPLIED)
        | ((SyncEvent.outcome == EventOutcome.PENDING) & (SyncEvent.action == "manual_removal")),
    )
    if line.is_access:
        same = (SyncEvent.user_id == event.user_id) & (SyncEvent.course_id == event.course_id)
        query = query.where(same, SyncEvent.action.in_(ACCESS_ACTIONS))
    else:
        actions = [done for done, (side, _) in MEMBER_UNDO.items() if side == line.side]
        who = SyncEvent.user_id == event.user_id
        query = query.where(
            SyncEvent.group_id == event.group_id, who, SyncEvent.action.in_(actions)
        )
    return db.session.scalar(query.order_by(SyncEvent.id).limit(1))


def _later_words(line: Line, later: SyncEvent) -> str:
    if line.is_access:
        return f"this access was changed again by run #{later.run_id}"
    moved = _moved(later.action.startswith("add"), line.side)
    return f"{line.email} was {moved} by run #{later.run_id}"


def _moved(added: bool, side: str) -> str:
    return f"re-added in {side}" if added else f"removed from {side}"


def _admin_since(event: SyncEvent, line: Line) -> str | None:
    found = db.session.scalar(
        select(Activity)
        .where(
            Activity.kind.in_(("member_added", "member_removed")),
            Activity.object_type == "group",
            Activity.object_id == event.group_id,
            Activity.related_type == "user",
            Activity.related_id == event.user_id,
            Activity.at > event.created_at,
        )
        .order_by(Activity.id)
        .limit(1)
    )
    if found is None:
        return None
    moved = _moved(found.kind == "member_added", DASHBOARD)
    return f"{line.email} was {moved} by {found.actor_email or 'an admin'} {when(found.at)}"


def _email(event: SyncEvent) -> str:
    if event.user_id is not None:
        current = db.session.scalar(select(User.email).where(User.id == event.user_id))
        if current:
            return current
    return event.email


def _course_name(course_id: int | None) -> str:
    name = (
        db.session.scalar(select(Course.name).where(Course.id == course_id)) if course_id else None
    )
    return f"“{name}”" if name else "a course since deleted"
