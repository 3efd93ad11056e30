"""Carry out one group's plan: Thinkific calls, database writes, an event per change.

Changes go in batches. A batch's Thinkific calls are made first, with no database transaction
open (what they need from the database is read, and that read's transaction ended, before the
batch); then the batch's local changes, what the calls taught (users' Thinkific ids), the base
and an event per change are written and committed in one short transaction. A job killed at any
point therefore leaves a group that the next run finishes: Thinkific's side is idempotent (a
member added twice is added once; a user is looked up by email before being created; a member
already removed is simply not listed) and the database never holds a local change without the
base that explains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..database import end_transaction
from ..extensions import db
from ..models import EventOutcome, Group, MemberSource, SyncEvent, User
from ..runs.context import Tally
from ..thinkific.errors import NotFoundError, ThinkificError, Transient, ValidationError
from ..thinkific.resources import PLACEHOLDER_LAST_NAME
from . import store
from .planner import Action, Change, Plan
from .reading import CHUNK, GroupView

BATCH = 100
MAX_FAILURES_IN_A_ROW = 3  # then Thinkific is in trouble: stop calling it for this group


@dataclass
class Result:
    change: Change
    outcome: EventOutcome
    action: str
    user_id: int | None = None
    error: str | None = None


@dataclass
class GroupApply:
    """Apply `plan` to `view`'s group; `client` is the run's Thinkific client."""

    view: GroupView
    plan: Plan
    client: object
    run_id: int | None
    now: datetime
    removals: str = "manual"
    tally: Tally = field(default_factory=Tally)
    local_source: MemberSource = MemberSource.THINKIFIC  # of members added here (undo: dashboard)
    failed: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    _in_a_row: int = 0
    _base_written: set[str] = field(default_factory=set)  # the base rows as they now stand

    @property
    def group(self) -> Group:
        return self.view.group

    def __post_init__(self) -> None:
        self._base_written = set(self.view.base)
        self._group_name = self.group.name
        self._group_thinkific_id = self.group.thinkific_id

    def run(self, on_batch: Callable[[], None] = lambda: None) -> None:
        """Apply the plan batch by batch; the caller commits the last writes."""
        changes = list(self.plan.changes)
        self._names = _names(self.view, [c.key for c in self.plan.of(Action.ADD_REMOTE)])
        end_transaction()
        for start in range(0, len(changes), BATCH):
            batch = changes[start : start + BATCH]
            called = self._call_thinkific(batch)
            self._record(self._write_batch(batch, called))
            self._write_base({change.key for change in batch})
            on_batch()
            db.session.commit()
        self._write_base(self.plan.agreed | self.view.base)

    # -- one batch -------------------------------------------------------------------------

    def _call_thinkific(self, batch: list[Change]) -> dict[Action, list[Result]]:
        """The batch's Thinkific calls, made outside any transaction: their results."""
        self._learned: dict[str, int] = {}
        called = {}
        pushes = [change for change in batch if change.action == Action.ADD_REMOTE]
        if pushes:
            called[Action.ADD_REMOTE] = [self._call(c, "add_remote", self._push) for c in pushes]
        removals = [change for change in batch if change.action == Action.REMOVE_REMOTE]
        if removals and self.removals == "graphql":
            called[Action.REMOVE_REMOTE] = self._remove_by_graphql(removals)
        return called

    def _write_batch(self, batch: list[Change], called: dict[Action, list[Result]]) -> list:
        """The batch's database writes, in the plan's order of actions: its results."""
        for key, thinkific_id in self._learned.items():
            store.remember_thinkific_id(self.view, key, thinkific_id)
        results: list[Result] = []
        for action in Action:
            changes = [change for change in batch if change.action == action]
            if action in called:
                results += self._recorded(action, called[action])
            elif changes:
                results += WRITES[action](self, changes)
        return results

    def _recorded(self, action: Action, results: list[Result]) -> list[Result]:
        """Results of calls, with what their success means written here too."""
        if action == Action.REMOVE_REMOTE:
            self._note_removed([r for r in results if r.outcome == EventOutcome.APPLIED])
        for result in results:
            if result.user_id is None and result.change.key in self.view.users:
                result.user_id = self.view.users[result.change.key].id
        return results

    def _add_local(self, changes: list[Change]) -> list[Result]:
        ids = store.ensure_users(self.view, [c.key for c in changes])
        added = [ids[c.key] for c in changes if c.key in ids]
        store.add_members(self.group, added, self.now, self.local_source)
        self.tally.added_local += sum(1 for c in changes if c.key in ids)
        return [self._local_result(c, ids, "add_local") for c in changes]

    def _remove_local(self, changes: list[Change]) -> list[Result]:
        ids = {c.key: self.view.users[c.key].id for c in changes}
        store.remove_members(self.group, ids.values())
        self.tally.removed_local += len(changes)
        return [Result(c, EventOutcome.APPLIED, "remove_local", ids[c.key]) for c in changes]

    def _remove_remote(self, changes: list[Change]) -> list[Result]:
        ids = store.ensure_users(self.view, [c.key for c in changes])
        reasons = {ids[c.key]: c.reason for c in changes}
        store.open_manual_removals(self.group, reasons, self.run_id, store.MANUAL_REMOVAL, self.now)
        self.tally.manual_actions += len(changes)
        return [Result(c, EventOutcome.PENDING, "manual_removal", ids[c.key]) for c in changes]

    def _close_manual(self, changes: list[Change]) -> list[Result]:
        closing = {self.view.open_actions[c.key]: self._resolution(c.key) for c in changes}
        store.close_manual_actions(closing, self.now)
        return [
            Result(c, EventOutcome.APPLIED, "close_manual", self.view.users[c.key].id)
            for c in changes
        ]

    # -- Thinkific calls -------------------------------------------------------------------

    def _call(self, change: Change, action: str, send: Callable[[str], None]) -> Result:
        user_id = self.view.users[change.key].id if change.key in self.view.users else None
        if self._in_a_row >= MAX_FAILURES_IN_A_ROW:
            return self._fail(change, action, user_id, "not tried: Thinkific kept failing")
        try:
            send(change.key)
        except ThinkificError as error:
            self._in_a_row += 1 if isinstance(error, Transient) else 0
            return self._fail(change, action, user_id, str(error))
        self._in_a_row = 0
        return Result(change, EventOutcome.APPLIED, action, user_id)

    def _push(self, key: str) -> None:
        known = self.view.users[key].thinkific_id
        try:
            self.client.add_user_to_groups(known or self._find_or_create(key), [self._group_name])
        except (NotFoundError, ValidationError):
            if known is None:
                raise
            # the Thinkific user we knew may be gone (deleted, re-created): look again by email
            self.client.add_user_to_groups(self._find_or_create(key), [self._group_name])
        self.tally.added_remote += 1

    def _find_or_create(self, key: str) -> int:
        found = self.client.find_user_by_email(key)
        if found is None:
            first, last = self._names.get(key, (None, None))
            found = self.client.create_user(
                key,
                first or key.split("@")[0],
                last or PLACEHOLDER_LAST_NAME,
                send_welcome_email=False,
            )
        self._learned[key] = found.id  # stored with the batch's writes
        return found.id

    def _remove_by_graphql(self, changes: list[Change]) -> list[Result]:
        members = [self.view.remote[c.key].id for c in changes]
        try:
            self.client.remove_users_from_groups(members, [self._group_thinkific_id])
        except ThinkificError as error:
            return [self._fail(c, "remove_remote", None, str(error)) for c in changes]
        self.tally.removed_remote += len(changes)
        return [Result(c, EventOutcome.APPLIED, "remove_remote") for c in changes]

    def _note_removed(self, results: list[Result]) -> None:
        """Members removed in Thinkific wait, as manual actions, to be seen gone there."""
        ids = store.ensure_users(self.view, [r.change.key for r in results])
        reasons = {ids[r.change.key]: r.change.reason for r in results}
        store.open_manual_removals(
            self.group, reasons, self.run_id, store.AWAITING_REMOVAL, self.now
        )

    # -- bookkeeping -----------------------------------------------------------------------

    def _local_result(self, change: Change, ids: dict[str, int], action: str) -> Result:
        if change.key in ids:
            return Result(change, EventOutcome.APPLIED, action, ids[change.key])
        return self._fail(change, action, None, "no such user in the dashboard or Thinkific")

    def _fail(self, change: Change, action: str, user_id: int | None, error: str) -> Result:
        self.failed.add(change.key)
        self.tally.failures += 1
        self.errors.append(f"{change.key}: {error}")
        return Result(change, EventOutcome.FAILED, action, user_id, error)

    def _resolution(self, key: str) -> str:
        return "no_longer_wanted" if key in self.view.remote else "gone_from_thinkific"

    def _record(self, results: list[Result]) -> None:
        rows = [
            {
                "run_id": self.run_id,
                "group_id": self.group.id,
                "user_id": r.user_id,
                "email": r.change.key,
                "action": r.action,
                "outcome": r.outcome,
                "reason": r.change.reason,
                "error": r.error,
                "created_at": self.now,
            }
            for r in results
        ]
        if rows and self.run_id is not None:
            db.session.execute(SyncEvent.__table__.insert(), rows)

    def _write_base(self, keys: set[str]) -> None:
        """The base for `keys`: agreed, except where a change failed (then as it was)."""
        keep, drop = [], []
        for key in keys:
            agreed = key in (self.view.base if key in self.failed else self.plan.agreed)
            user = self.view.users.get(key)
            if user is not None and agreed != (key in self._base_written):
                (keep if agreed else drop).append(user.id)
                self._base_written ^= {key}
        store.write_base(self.group, keep, drop)


# What a batch writes for each kind of change it did not call Thinkific for (pushes, and
# removals by GraphQL, are called first: `_call_thinkific`).
WRITES: dict[Action, Callable[[GroupApply, list[Change]], list[Result]]] = {
    Action.REMOVE_REMOTE: GroupApply._remove_remote,
    Action.ADD_LOCAL: GroupApply._add_local,
    Action.REMOVE_LOCAL: GroupApply._remove_local,
    Action.CLOSE_MANUAL: GroupApply._close_manual,
}


def _names(view: GroupView, keys: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """First and last names of the dashboard users among `keys`, for creating them in
    Thinkific."""
    ids = [view.users[key].id for key in keys if key in view.users]
    names = {}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(User.email, User.first_name, User.last_name).where(
                User.id.in_(ids[start : start + CHUNK])
            )
        )
        names.update({email: (first, last) for email, first, last in rows})
    return names
