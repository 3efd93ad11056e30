"""The dashboard's records of enrollments (`AccessEnrollment`) and of users' Thinkific ids:
brought in line with what Thinkific listed, with the plan, and with each change applied.
Callers commit.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select, update

from ..extensions import db
from ..models import AccessEnrollment, User
from .loading import AccessView
from .planner import AccessChange, AccessPlan, Held
from .reading import Fix, Remote


def settle_records(view: AccessView, remote: Remote, fixes: list[Fix]) -> None:
    """Bring the records in line with what Thinkific listed (a real run only). Callers commit."""
    for fix in fixes:
        if fix.values is None:
            db.session.execute(delete(AccessEnrollment).where(AccessEnrollment.id == fix.record_id))
        else:
            db.session.execute(
                update(AccessEnrollment)
                .where(AccessEnrollment.id == fix.record_id)
                .values(**fix.values)
            )
    remember_thinkific_ids(view, remote.learned)


def note_plan(view: AccessView, plan: AccessPlan, held: dict[tuple[int, int], Held]) -> None:
    """Keep a record of enrollments made outside the dashboard for courses a team gives (so
    the pages can say why they are left alone), forget those no team gives any more, and
    drop an admin's "keep" once a team gives the course again."""
    _unkeep(
        [pair for pair, record in view.records.items() if record.kept_at and pair in plan.wanted]
    )
    for pair, found in held.items():
        if found.ours or pair in view.records:
            continue
        if pair in plan.wanted:
            db.session.add(
                AccessEnrollment(
                    user_id=pair[0],
                    course_id=pair[1],
                    thinkific_id=found.enrollment_id,
                    created_by_dashboard=False,
                    expires_at=found.expires_at,
                )
            )
    stale = [
        record.id
        for pair, record in view.records.items()
        if not record.ours and pair not in plan.wanted and pair in held
    ]
    if stale:
        db.session.execute(delete(AccessEnrollment).where(AccessEnrollment.id.in_(stale)))


def _unkeep(pairs: list[tuple[int, int]]) -> None:
    for user_id, course_id in pairs:
        db.session.execute(
            update(AccessEnrollment)
            .where(AccessEnrollment.user_id == user_id, AccessEnrollment.course_id == course_id)
            .values(kept_at=None)
        )


def remember_thinkific_ids(view: AccessView, ids: dict[int, int]) -> None:
    """Store users' Thinkific ids learned by email (an id another user holds is left alone)."""
    for user_id, thinkific_id in ids.items():
        taken = db.session.scalar(select(User.id).where(User.thinkific_id == thinkific_id))
        if taken is None:
            db.session.execute(
                update(User).where(User.id == user_id).values(thinkific_id=thinkific_id)
            )
            view.users[user_id] = replace(view.users[user_id], thinkific_id=thinkific_id)


def write_record(change: AccessChange, **values) -> None:
    db.session.execute(
        update(AccessEnrollment)
        .where(
            AccessEnrollment.user_id == change.user_id,
            AccessEnrollment.course_id == change.course_id,
        )
        .values(**values)
    )


def forget_record(change: AccessChange) -> None:
    db.session.execute(
        delete(AccessEnrollment).where(
            AccessEnrollment.user_id == change.user_id,
            AccessEnrollment.course_id == change.course_id,
        )
    )
