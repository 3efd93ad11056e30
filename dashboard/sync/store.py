"""The sync's writes to the database, in bulk, for one group at a time.

Membership writes keep the stored counts right (the group's `users_count`, its members'
`groups_count`, its teams' `users_count`) in the same transaction (`recount_members`),
and pulled members are marked `source=thinkific`, which is what keeps them from counting as
dashboard changes (no echo). Nothing here deletes a User, a Team
or a Group. Callers commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import counts
from ..extensions import db
from ..models import (
    Group,
    ManualAction,
    Membership,
    MemberSource,
    SyncBaseMember,
    SyncRunGroup,
    User,
)
from ..runs.context import UserRef
from .reading import GroupView

NAME_MAX = 100


def insert_ignoring_duplicates(model, rows: list[dict]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, on SQLite and PostgreSQL alike."""
    if not rows:
        return
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(model).on_conflict_do_nothing(), rows)


def note_synced(run_id: int, group_id: int) -> None:
    """Record that the run synced the group (whatever it changed)."""
    insert_ignoring_duplicates(SyncRunGroup, [{"run_id": run_id, "group_id": group_id}])


def ensure_users(view: GroupView, keys: Iterable[str]) -> dict[str, int]:
    """Dashboard user ids for `keys`, creating users for Thinkific members not known here."""
    keys = set(keys)
    missing = [view.remote[key] for key in keys if key not in view.users and key in view.remote]
    insert_ignoring_duplicates(
        User,
        [
            {
                "email": member.email.strip().lower(),
                "first_name": member.first_name[:NAME_MAX],
                "last_name": member.last_name[:NAME_MAX],
                "thinkific_id": member.id,
            }
            for member in missing
        ],
    )
    if missing:
        _learn_users(view, [member.email.strip().lower() for member in missing])
    link_thinkific_ids(view, keys)
    return {key: view.users[key].id for key in keys if key in view.users}


def link_thinkific_ids(view: GroupView, keys: Iterable[str]) -> None:
    """Store the Thinkific id of users matched by email (none yet, or an outdated one)."""
    for key in keys:
        user, member = view.users.get(key), view.remote.get(key)
        if user and member and user.thinkific_id != member.id:
            remember_thinkific_id(view, key, member.id)


def remember_thinkific_id(view: GroupView, key: str, thinkific_id: int) -> None:
    user = view.users[key]
    taken = db.session.scalar(select(User.id).where(User.thinkific_id == thinkific_id))
    if taken is None:
        db.session.execute(update(User).where(User.id == user.id).values(thinkific_id=thinkific_id))
        view.users[key] = UserRef(user.id, user.email, thinkific_id)


def add_members(
    group: Group,
    user_ids: Iterable[int],
    now: datetime,
    source: MemberSource = MemberSource.THINKIFIC,
) -> None:
    rows = [
        {"group_id": group.id, "user_id": user_id, "source": source, "added_at": now}
        for user_id in user_ids
    ]
    insert_ignoring_duplicates(Membership, rows)
    recount_members(group, [row["user_id"] for row in rows])


def remove_members(group: Group, user_ids: Iterable[int]) -> None:
    user_ids = list(user_ids)
    db.session.execute(
        delete(Membership).where(Membership.group_id == group.id, Membership.user_id.in_(user_ids))
    )
    recount_members(group, user_ids)


def open_manual_removals(
    group: Group, reasons: Mapping[int, str], run_id: int | None, action: str, now: datetime
) -> None:
    rows = [
        {
            "group_id": group.id,
            "user_id": user_id,
            "action": action,
            "reason": reason,
            "run_id": run_id,
            "opened_at": now,
        }
        for user_id, reason in reasons.items()
    ]
    if rows:
        db.session.execute(ManualAction.__table__.insert(), rows)


def close_manual_actions(actions: Mapping[ManualAction, str], now: datetime) -> None:
    for action, resolution in actions.items():
        action.resolved_at = now
        action.resolution = resolution


def write_base(group: Group, keep: Iterable[int], drop: Iterable[int]) -> None:
    """Make `keep` part of the group's agreed base and `drop` not."""
    drop = list(drop)
    if drop:
        db.session.execute(
            delete(SyncBaseMember).where(
                SyncBaseMember.group_id == group.id, SyncBaseMember.user_id.in_(drop)
            )
        )
    insert_ignoring_duplicates(
        SyncBaseMember, [{"group_id": group.id, "user_id": user_id} for user_id in keep]
    )


MANUAL_REMOVAL = counts.MANUAL_REMOVAL  # a person must remove the member in Thinkific's admin
AWAITING_REMOVAL = "graphql_removal"  # removed by GraphQL; waiting for Thinkific to stop listing


def _learn_users(view: GroupView, emails: list[str]) -> None:
    rows = db.session.execute(
        select(User.id, User.email, User.thinkific_id).where(User.email.in_(emails))
    )
    for row in rows:
        view.users[row.email] = UserRef(*row)


def recount_members(group: Group, user_ids: list[int]) -> None:
    """Set the stored counts from the rows after bulk writes of `user_ids` in the group."""
    count = select(func.count()).where(Membership.group_id == group.id).scalar_subquery()
    db.session.execute(update(Group).where(Group.id == group.id).values(users_count=count))
    db.session.expire(group, ["users_count"])
    counts.members_changed(group.id, user_ids)
