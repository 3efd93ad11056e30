"""An undo re-planned against both sides as they are now (Preview and the undo run alike).

The recorded lines (`undo.recorded_plan`) say what the run did; what to do now depends on what
each side holds now: a member the run added in Thinkific and no longer listed there is not
removed again, a member re-added since is never removed, a member already back is not added
twice. Pure functions of what was read: the callers read (Thinkific first, no transaction
open) and apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from dashboard.access.loading import RecordRef
from dashboard.access.planner import SAME_MOMENT, AccessAction, AccessChange, AccessPlan
from dashboard.extensions import db
from dashboard.models import MemberSource, SyncMode, User
from dashboard.runs.context import UserRef
from dashboard.sync.planner import Action, Change, LocalMember, Plan, Snapshot, plan_group
from dashboard.sync.reading import GroupView
from dashboard.sync.undo import END_ACCESS, Line


def group_plan(view: GroupView, lines: list[Line]) -> tuple[Plan, list[Line]]:
    """The changes that revert `lines` now, and the lines with what was skipped and why.

    The plan's agreed set is the group's base as it stands: an undo is a change on the side
    where the run made it, and the next sync merges it like an admin's change there."""
    learn_users(view, lines)
    mode = SyncMode.of([link.direction for link in view.links])
    unsynced = "no team link of this group syncs any more" if mode == SyncMode.NONE else None
    changes: list[Change] = []
    planned: list[Line] = []
    for line in lines:
        why = line.skipped or unsynced or _skip_now(view, line)
        if why:
            planned.append(line.skip(why))
            continue
        changes += _changes(view, line)
        planned.append(line)
    size = len(set(view.local) | set(view.remote))
    return Plan(mode, tuple(changes), view.base, size), planned


def learn_users(view: GroupView, lines: list[Line]) -> None:
    """Dashboard users of the lines that neither side lists now (to add them back)."""
    ids = [line.user_id for line in lines if line.user_id and line.email not in view.users]
    if not ids:
        return
    rows = db.session.execute(
        select(User.id, User.email, User.thinkific_id).where(User.id.in_(ids))
    )
    for row in rows:
        view.users.setdefault(row.email, UserRef(*row))


def _skip_now(view: GroupView, line: Line) -> str | None:
    key, undo = line.email, Action(line.undo)
    if key not in view.users:
        return f"{key} is no longer a user of the dashboard"
    if undo == Action.REMOVE_REMOTE:
        if key not in view.remote:
            return f"{key} is no longer in the Thinkific group"
        if key in view.open_actions:
            return f"a removal of {key} from Thinkific is already open"
    if undo == Action.ADD_REMOTE and key in view.remote and key not in view.open_actions:
        return f"{key} is already in the Thinkific group"
    if undo == Action.REMOVE_LOCAL and key not in view.local:
        return f"{key} is no longer in the dashboard group"
    if undo == Action.ADD_LOCAL and key in view.local:
        return f"{key} is already in the dashboard group"
    return None


def _changes(view: GroupView, line: Line) -> list[Change]:
    key, undo = line.email, Action(line.undo)
    if undo != Action.ADD_REMOTE:
        return [Change(undo, key, line.reason)]
    closing = []
    if key in view.open_actions:
        closing = [Change(Action.CLOSE_MANUAL, key, f"close the manual removal: {line.reason}")]
    if key in view.remote:  # the removal was never made: closing it is the undo
        return closing
    return [Change(Action.ADD_REMOTE, key, line.reason), *closing]


def next_sync(view: GroupView, plan: Plan, removals: str, now: datetime) -> list[Change]:
    """What the next sync would do to the members the undo changes, once it is applied: the
    same planner on the sides as the undo leaves them (a group that only pushes re-pushes a
    member the undo removed from Thinkific, for one)."""
    local, remote = dict(view.local), set(view.remote)
    opened = {key: action.opened_at for key, action in view.open_actions.items()}
    for change in plan.changes:
        key = change.key
        if change.action == Action.ADD_LOCAL:
            local[key] = LocalMember(now, MemberSource.DASHBOARD)
        elif change.action == Action.REMOVE_LOCAL:
            local.pop(key, None)
        elif change.action == Action.ADD_REMOTE:
            remote.add(key)
        elif change.action == Action.REMOVE_REMOTE and removals == "graphql":
            remote.discard(key)
        elif change.action == Action.REMOVE_REMOTE:
            opened[key] = now
        if change.action in (Action.ADD_REMOTE, Action.CLOSE_MANUAL):
            opened.pop(key, None)
    after = Snapshot(local, frozenset(remote), view.base, opened, now)
    touched = {change.key for change in plan.changes}
    redo = plan_group(after, view.links, now=now).changes
    return [change for change in redo if change.key in touched]


# -- course access -------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """What Thinkific says of an enrollment now (None: it has no such enrollment)."""

    expires_at: datetime | None
    exists: bool = True


def access_plan(
    lines: list[Line],
    records: dict[tuple[int, int], RecordRef],
    found: dict[int, Found],
    now: datetime,
) -> tuple[AccessPlan, list[Line]]:
    """The enrollment changes that revert the access lines now; `found` by Thinkific id."""
    changes: list[AccessChange] = []
    planned: list[Line] = []
    for line in lines:
        record = records.get((line.user_id, line.course_id))
        change, why = None, line.skipped
        if why is None:
            change, why = _access_change(line, record, found, now)
        planned.append(line.skip(why) if why else line)
        changes += [change] if change else []
    return AccessPlan(tuple(changes), size=len(lines)), planned


def _access_change(line: Line, record: RecordRef | None, found: dict[int, Found], now):
    if record is None or not record.ours or record.thinkific_id is None:
        return None, "the enrollment is no longer one the dashboard created"
    current = found.get(record.thinkific_id)
    if current is None or not current.exists:
        return None, "the enrollment is no longer in Thinkific"
    expires = current.expires_at
    pair = (line.user_id, line.course_id, line.reason)
    if line.undo == END_ACCESS:
        if expires is not None and expires <= now:
            return None, "this access has already ended"
        return AccessChange(AccessAction.END, *pair, now, record.thinkific_id), None
    target = line.expires_before
    if target <= now:
        if expires is not None and expires <= now:
            return None, "this access has already ended"
        return AccessChange(AccessAction.END, *pair, now, record.thinkific_id), None
    if expires is not None and abs(expires - target) < SAME_MOMENT:
        return None, "the end date is already the one the run replaced"
    action = AccessAction.SHORTEN if expires is None or expires > target else AccessAction.EXTEND
    return AccessChange(action, *pair, target, record.thinkific_id), None
