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

from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select

from .. import activity
from ..extensions import db
from ..models import EventOutcome, Group, RunState, SyncEvent, SyncRun
from ..runs.lifecycle import ACTIVE
from .planner import Action
from .undo_history import History, access_key, done_clause, load_history, run_key
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


def refusal(run: SyncRun, undos: list[SyncRun] | None = None) -> str | None:
    """Why `run` cannot be undone now, in words; None when it can (`undos`: its `undo_runs`,
    when the caller has them already)."""
    if run.state in ACTIVE:
        return f"Run #{run.id} is still running: it can be undone once it has finished."
    if run.undo_of_id is not None:
        return (
            f"Run #{run.id} is itself an undo (of run #{run.undo_of_id}): an undo is not undone. "
            "Change the members or links and sync instead."
        )
    if run.dry_run:
        return f"Run #{run.id} was a dry run: it changed nothing."
    undos = undo_runs(run) if undos is None else undos
    done = [undo for undo in undos if undo.state != RunState.FAILED or _changed(undo)]
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
    applied = _applied(run)
    ignored = {undo.id for undo in undo_runs(run)}  # the undo's own changes are not "later"
    side_of = {done: side for done, (side, _) in MEMBER_UNDO.items()}
    history = load_history([event for event, _ in applied], side_of, ignored)
    for event, group_name in applied:
        line = _line(run, event, group_name, history)
        if line is None:
            continue
        changed = _changed_since(event, line, history) if line.undo else None
        plan.lines.append(line.skip(changed) if changed else line)
    return plan


def _applied(run: SyncRun) -> list[tuple[SyncEvent, str | None]]:
    query = (
        select(SyncEvent, Group.name)
        .outerjoin(Group, Group.id == SyncEvent.group_id)
        .where(SyncEvent.run_id == run.id, done_clause())
        .order_by(SyncEvent.id)
    )
    return [(event, name) for event, name in db.session.execute(query)]


def _line(run: SyncRun, event: SyncEvent, group_name: str | None, history: History):
    email = history.emails.get(event.user_id) or event.email  # as the user is called now
    base = Line(
        event.id,
        event.group_id,
        group_name or "",
        email,
        event.user_id,
        event.action,
        "",
        "",
        course_id=event.course_id,
        expires_before=event.expires_before,
    )
    if event.action in MEMBER_UNDO:
        undo = MEMBER_UNDO[event.action][1]
        why = f"{UNDO_WORDS[undo]}: {DONE_WORDS[event.action]} by run #{run.id}"
        line = replace(base, undo=undo.value, reason=why)
        return line if event.user_id else line.skip("the user no longer exists in the dashboard")
    if event.action in ACCESS_ACTIONS:
        name = history.courses.get(event.course_id)
        return _access_line(run, event, base, f"“{name}”" if name else "a course since deleted")
    if event.action in GROUP_STEPS:
        why = f"{GROUP_STEPS[event.action]} by run #{run.id}; {LEFT_ALONE}"
        return replace(base, reason=why)
    return None


def _access_line(run: SyncRun, event: SyncEvent, base: Line, course: str) -> Line:
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


def _changed_since(event: SyncEvent, line: Line, history: History) -> str | None:
    """What changed the same thing again after the run: a later run, or an admin."""
    if line.is_access:
        later = history.later_run(access_key(event.user_id, event.course_id), event.id)
        return f"this access was changed again by run #{later.run_id}" if later else None
    later = history.later_run(run_key(event.group_id, event.user_id, line.side), event.id)
    if later is not None:
        moved = _moved(later.action.startswith("add"), line.side)
        return f"{line.email} was {moved} by run #{later.run_id}"
    if line.side != DASHBOARD:
        return None
    edit = history.later_admin(event.group_id, event.user_id, event.created_at)
    if edit is None:
        return None
    moved = _moved(edit.action == "member_added", DASHBOARD)
    return f"{line.email} was {moved} by {edit.actor or 'an admin'} {when(edit.at)}"


def _moved(added: bool, side: str) -> str:
    return f"re-added in {side}" if added else f"removed from {side}"


def note_undo_started(run: SyncRun) -> None:
    """The Activity record of an undo run (written with the run; the caller commits)."""
    original = db.session.get(SyncRun, run.undo_of_id)
    group = db.session.get(Group, original.group_id) if original.group_id else None
    after = {"run": original.id, "undo_run": run.id}
    activity.record(activity.Kind.RUN_UNDO_STARTED, group, after=after)
