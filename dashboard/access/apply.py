"""Carry out an access plan: Thinkific calls, the records of what the dashboard created, and
an event per change (the record writes themselves are in `records`).

Changes go in batches, each in three steps, and no transaction is open while Thinkific is
called: a record of each creation the batch will make is committed first (with no Thinkific id
yet); then the batch's Thinkific calls are made, their database writes kept aside; then those
writes and an event per change are committed together in one short transaction. A job killed
after a `POST /enrollments` therefore still finds the enrollment its own on the next run
(`reading._is_ours`), instead of mistaking it for one made outside the dashboard; a user it
created is found by email. Ending and extending are `PUT`s of the expiry: repeating is harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..database import end_transaction
from ..extensions import db
from ..models import AccessEnrollment, EventOutcome, SyncEvent, User
from ..runs.context import Tally
from ..thinkific.errors import NotFoundError, ThinkificError, Transient, ValidationError
from ..thinkific.resources import PLACEHOLDER_LAST_NAME
from .loading import AccessView
from .members import CHUNK
from .planner import NO_END, AccessAction, AccessChange, AccessPlan
from .records import forget_record, remember_thinkific_ids, write_record

BATCH = 50
MAX_FAILURES_IN_A_ROW = 3  # then Thinkific is in trouble: stop calling it for this run
TALLIES = {
    AccessAction.GRANT: "access_granted",
    AccessAction.EXTEND: "access_changed",
    AccessAction.SHORTEN: "access_changed",
    AccessAction.END: "access_ended",
}


class AlreadyEnrolled(Exception):
    """Thinkific holds an enrollment for the pair that the dashboard did not create."""


@dataclass
class Result:
    change: AccessChange
    outcome: EventOutcome
    error: str | None = None
    extra: str = ""  # appended to the change's reason (e.g. the user was created first)


@dataclass
class AccessApply:
    view: AccessView
    plan: AccessPlan
    client: object
    run_id: int | None
    now: datetime
    tally: Tally = field(default_factory=Tally)
    hold_endings: bool = False  # paused: endings wait for an admin as pending events
    errors: list[str] = field(default_factory=list)
    _in_a_row: int = 0
    _names: dict[int, tuple[str, str | None, str | None]] = field(default_factory=dict)
    _learned: dict[int, int] = field(default_factory=dict)  # user id: Thinkific id
    _later: list[Callable[[], None]] = field(default_factory=list)  # the batch's writes

    def to_make(self) -> list[AccessChange]:
        """The changes this applier makes (endings held for approval left out)."""
        return [c for c in self.plan.changes if not self._held_back(c)]

    def run(self, on_batch: Callable[[], None] = lambda: None) -> None:
        """Apply the plan batch by batch; everything is committed when it returns."""
        changes = self.to_make()
        grants = [c.user_id for c in changes if c.action == AccessAction.GRANT]
        self._names = _names(grants)
        for start in range(0, len(changes), BATCH):
            batch = changes[start : start + BATCH]
            self._claim_creations(batch)
            end_transaction()  # the intent, committed before any call
            results = [self._apply(change) for change in batch]  # no transaction open
            self._write_later()
            self._record(results)
            on_batch()
            db.session.commit()
        if self.hold_endings:
            self._record([Result(c, EventOutcome.PENDING) for c in self.plan.endings])
        db.session.commit()

    def _write_later(self) -> None:
        """The writes the batch's calls asked for, and the Thinkific ids they taught."""
        remember_thinkific_ids(self.view, self._learned)
        self._learned = {}
        for write in self._later:
            write()
        self._later = []

    def _held_back(self, change: AccessChange) -> bool:
        return self.hold_endings and change.action == AccessAction.END

    # -- one change ------------------------------------------------------------------------

    def _apply(self, change: AccessChange) -> Result:
        if self._in_a_row >= MAX_FAILURES_IN_A_ROW:
            return self._fail(change, "not tried: Thinkific kept failing")
        try:
            extra = CALLS[change.action](self, change)
        except AlreadyEnrolled as found:
            return Result(change, EventOutcome.SKIPPED, str(found))
        except ThinkificError as error:
            self._in_a_row += 1 if isinstance(error, Transient) else 0
            return self._fail(change, str(error))
        self._in_a_row = 0
        name = TALLIES[change.action]
        setattr(self.tally, name, getattr(self.tally, name) + 1)
        return Result(change, EventOutcome.APPLIED, extra=extra or "")

    def _grant_access(self, change: AccessChange) -> str:
        user_id, extra = self._thinkific_user(change.user_id)
        course_id = self.view.courses[change.course_id].thinkific_id
        try:
            made = self.client.create_enrollment(
                user_id, course_id, activated_at=self.now, expiry_date=change.expires_at
            )
        except ValidationError:
            self._already_enrolled(change, user_id, course_id)
            raise
        self._write(change, thinkific_id=made.id, expires_at=made.expiry_date, ended_at=None)
        return extra

    def _extend_access(self, change: AccessChange) -> None:
        self._set_expiry(change, ended_at=None)

    def _shorten_access(self, change: AccessChange) -> None:
        self._set_expiry(change, ended_at=None)

    def _end_access(self, change: AccessChange) -> None:
        self._set_expiry(change, ended_at=self.now)

    def _set_expiry(self, change: AccessChange, ended_at: datetime | None) -> None:
        try:
            self.client.update_enrollment(change.enrollment_id, expiry_date=change.expires_at)
        except NotFoundError:
            self._later.append(lambda: forget_record(change))
            raise
        self._write(change, expires_at=change.expires_at, ended_at=ended_at, kept_at=None)

    def _write(self, change: AccessChange, **values) -> None:
        self._later.append(lambda: write_record(change, **values))

    # -- Thinkific users -------------------------------------------------------------------

    def _thinkific_user(self, user_id: int) -> tuple[int, str]:
        """The user's Thinkific id; a user Thinkific does not have yet is created there."""
        known = self.view.users[user_id].thinkific_id or self._learned.get(user_id)
        if known is not None:
            return known, ""
        email, first, last = self._names[user_id]
        found = self.client.find_user_by_email(email)
        extra = "; found the user in Thinkific by email first"
        if found is None:
            found = self.client.create_user(
                email,
                first or email.split("@")[0],
                last or PLACEHOLDER_LAST_NAME,
                send_welcome_email=False,
            )
            extra = "; created the user in Thinkific first (no welcome email)"
        self._learned[user_id] = found.id
        return found.id, extra

    def _already_enrolled(self, change: AccessChange, user_id: int, course_id: int) -> None:
        """A refused creation: if Thinkific has an enrollment for the pair, it is not ours."""
        found = next(iter(self.client.iter_enrollments(user_id=user_id, course_id=course_id)), None)
        if found is None:
            self._later.append(lambda: forget_record(change))
            return
        self._write(
            change, thinkific_id=found.id, expires_at=found.expiry_date, created_by_dashboard=False
        )
        raise AlreadyEnrolled(
            "already enrolled in Thinkific outside the dashboard: that enrollment is left alone"
        )

    # -- bookkeeping -----------------------------------------------------------------------

    def _claim_creations(self, batch: list[AccessChange]) -> None:
        for change in batch:
            if change.action == AccessAction.GRANT:
                forget_record(change)
                db.session.add(
                    AccessEnrollment(
                        user_id=change.user_id,
                        course_id=change.course_id,
                        created_at=self.now,
                        created_by_dashboard=True,
                        expires_at=change.expires_at,
                    )
                )

    def _fail(self, change: AccessChange, error: str) -> Result:
        self.tally.failures += 1
        self.errors.append(f"{self.view.users[change.user_id].email}: {error}")
        return Result(change, EventOutcome.FAILED, error)

    def _record(self, results: list[Result]) -> None:
        if self.run_id is None or not results:
            return
        rows = [
            {
                "run_id": self.run_id,
                "group_id": None,
                "user_id": r.change.user_id,
                "course_id": r.change.course_id,
                "email": self.view.users[r.change.user_id].email,
                "action": r.change.action.value,
                "outcome": r.outcome,
                "reason": r.change.reason + r.extra,
                "error": r.error,
                "created_at": self.now,
                "expires_before": self._expiry_before(r.change),
            }
            for r in results
        ]
        db.session.execute(SyncEvent.__table__.insert(), rows)

    def _expiry_before(self, change: AccessChange) -> datetime | None:
        """The expiry a change moves (what an undo restores; no end as NO_END)."""
        record = self.view.records.get((change.user_id, change.course_id))
        if change.action == AccessAction.GRANT or record is None:
            return None
        return record.expires_at or NO_END


CALLS: dict[AccessAction, Callable[[AccessApply, AccessChange], str | None]] = {
    AccessAction.GRANT: AccessApply._grant_access,
    AccessAction.EXTEND: AccessApply._extend_access,
    AccessAction.SHORTEN: AccessApply._shorten_access,
    AccessAction.END: AccessApply._end_access,
}


def _names(user_ids: list[int]) -> dict[int, tuple[str, str | None, str | None]]:
    """Email, first and last name of users who may have to be created in Thinkific."""
    ids = sorted(set(user_ids))
    names = {}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(User.id, User.email, User.first_name, User.last_name).where(
                User.id.in_(ids[start : start + CHUNK])
            )
        )
        names.update({row[0]: tuple(row[1:]) for row in rows})
    return names
