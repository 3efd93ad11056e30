"""Recording webhook deliveries and applying them to the user they name."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts import AccountError, normalize_email
from ..extensions import db
from ..models import (
    AccessEnrollment,
    Assignment,
    Group,
    Membership,
    SyncMode,
    SyncState,
    User,
    WebhookDelivery,
    utcnow,
)
from .envelope import Envelope

SYNCED = (  # a group whose links sync, not paused for an admin, not deleted in Thinkific
    Group.sync_mode != SyncMode.NONE,
    Group.sync_state != SyncState.PAUSED,
    Group.deleted_in_thinkific_at.is_(None),
)


def record_delivery(envelope: Envelope) -> str:
    """Store the delivery once; returns queued (its work is to be queued: `jobs.webhooks.receive`
    does), ignored or duplicate."""
    delivery = WebhookDelivery(
        id=envelope.id,
        topic=envelope.topic,
        payload=json.dumps(envelope.payload),
        thinkific_user_id=user_fields(envelope.topic, envelope.payload).get("thinkific_id"),
        outcome=None if envelope.handled else "ignored",
    )
    db.session.add(delivery)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    return "queued" if envelope.handled else "ignored"


def apply_delivery(delivery: WebhookDelivery) -> User | None:
    """Refresh the local user the delivery names; returns it (None when there is none)."""
    fields = user_fields(delivery.topic, json.loads(delivery.payload))
    user = find_user(fields)
    outcome = "no_local_user"
    if user is not None:
        outcome = refresh_user(user, fields)
    delivery.processed_at, delivery.outcome = utcnow(), outcome
    db.session.commit()
    return user


def groups_to_sync(user: User) -> list[Group]:
    """The user's groups whose links sync (not paused for an admin, not deleted in Thinkific)."""
    return list(
        db.session.scalars(
            select(Group)
            .join(Membership, Membership.group_id == Group.id)
            .where(Membership.user_id == user.id, *SYNCED)
            .order_by(Group.name_key)
        )
    )


def still_synced(group_ids: Iterable[int]) -> list[Group]:
    """Those of the groups that still sync, when their follow-up starts."""
    query = select(Group).where(Group.id.in_(list(group_ids)), *SYNCED)
    return list(db.session.scalars(query.order_by(Group.name_key)))


def has_access_to_refresh(user: User) -> bool:
    """In a team (through any group), or holding an enrollment the access sync knows."""
    in_team = exists().where(
        Membership.user_id == user.id, Assignment.group_id == Membership.group_id
    )
    recorded = exists().where(AccessEnrollment.user_id == user.id)
    return bool(db.session.scalar(select(in_team | recorded)))


def user_fields(topic: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The user a payload names: user.* payloads are the user, enrollment.* carry `user`."""
    data = payload.get("user") if topic.startswith("enrollment.") else payload
    if not isinstance(data, dict):
        return {}
    fields = {key: data.get(key) for key in ("email", "first_name", "last_name")}
    user_id = data.get("id")
    fields["thinkific_id"] = user_id if isinstance(user_id, int) and user_id > 0 else None
    return {key: value for key, value in fields.items() if value is not None}


def find_user(fields: dict[str, Any]) -> User | None:
    conditions = []
    if "thinkific_id" in fields:
        conditions.append(User.thinkific_id == fields["thinkific_id"])
    email = _email(fields)
    if email:
        conditions.append(User.email == email)
    if not conditions:
        return None
    users = db.session.scalars(select(User).where(or_(*conditions))).all()
    by_id = [u for u in users if u.thinkific_id == fields.get("thinkific_id")]
    return (by_id or users or [None])[0]


def refresh_user(user: User, fields: dict[str, Any]) -> str:
    email = _email(fields)
    if email and email != user.email:
        if db.session.scalar(select(User.id).where(User.email == email)):
            return "email_conflict"
        user.email = email
    for key in ("first_name", "last_name"):
        if isinstance(fields.get(key), str):
            setattr(user, key, fields[key].strip()[:100])
    if user.thinkific_id is None and "thinkific_id" in fields:
        user.thinkific_id = fields["thinkific_id"]
    return "refreshed"


def _email(fields: dict[str, Any]) -> str | None:
    value = fields.get("email")
    if not isinstance(value, str):
        return None
    try:
        return normalize_email(value)
    except AccountError:
        return None
