"""Digests: the events of one kind not sent yet, gathered into one message, and the deliveries
(one per channel) that carry it. At most one digest per kind per NOTIFY_DIGEST_SECONDS."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Notification, NotificationDelivery, NotificationDigest, utcnow
from . import channels, preferences
from .kinds import Kind

LISTED = 20  # events written out in one message; the rest are counted
PRODUCT = "B2B Dashboard"


def last_digest_at(kind: Kind) -> datetime | None:
    return db.session.scalar(
        select(func.max(NotificationDigest.created_at)).where(NotificationDigest.kind == kind)
    )


def seconds_until_allowed(kind: Kind, now: datetime | None = None) -> float:
    """How long the next digest of `kind` must wait (0: it may go now)."""
    last = last_digest_at(kind)
    if last is None:
        return 0.0
    window = timedelta(seconds=current_app.config["NOTIFY_DIGEST_SECONDS"])
    return max(0.0, (last + window - (now or utcnow())).total_seconds())


def kinds_waiting() -> list[Kind]:
    """Kinds with events no digest has taken yet."""
    rows = db.session.scalars(
        select(Notification.kind).where(Notification.digest_id.is_(None)).distinct()
    )
    return sorted(Kind(kind) for kind in rows)


def gather(kind: Kind) -> NotificationDigest | None:
    """Take every unsent event of `kind` into a new digest with its deliveries, and commit.
    None when there is nothing to send (another digest took the events)."""
    digest = NotificationDigest(kind=kind.value, subject="", body="")
    db.session.add(digest)
    db.session.flush()
    db.session.execute(
        update(Notification)
        .where(Notification.kind == kind, Notification.digest_id.is_(None))
        .values(digest_id=digest.id)
    )
    events = db.session.scalars(
        select(Notification).where(Notification.digest_id == digest.id).order_by(Notification.id)
    ).all()
    if not events:
        db.session.rollback()
        return None
    digest.subject, digest.body = compose(kind, events, channels.base_url())
    add_deliveries(digest, kind)
    db.session.commit()
    return digest


def add_deliveries(digest: NotificationDigest, kind: Kind) -> None:
    emails, chat = preferences.recipients(kind)
    if emails and channels.email_enabled():
        db.session.add(
            NotificationDelivery(digest_id=digest.id, channel="email", recipients="\n".join(emails))
        )
    if chat and channels.current().webhook_url:
        db.session.add(NotificationDelivery(digest_id=digest.id, channel="chat"))
    db.session.flush()


def compose(kind: Kind, events: list[Notification], base: str) -> tuple[str, str]:
    """The subject and the plain-text body: what happened, and where to act on it."""
    many = len(events) > 1
    subject = f"[{PRODUCT}] {kind.label}" + (f" ({len(events)})" if many else "")
    lines = [f"{kind.label} ({len(events)} times)." if many else f"{kind.label}."]
    for event in events[:LISTED]:
        lines += ["", f"- {event.text}", f"  {base}{event.link}"]
    if len(events) > LISTED:
        lines += ["", f"… and {len(events) - LISTED} more."]
    lines += ["", f"Choose what you hear about on your Account page: {base}/account"]
    return subject, "\n".join(lines)


def stranded_deliveries(older_than: timedelta = timedelta(minutes=10)) -> list[int]:
    """Deliveries never attempted long after their digest (the queue was down when it was
    made): the daily check queues them again."""
    return list(
        db.session.scalars(
            select(NotificationDelivery.id)
            .join(NotificationDigest, NotificationDigest.id == NotificationDelivery.digest_id)
            .where(
                NotificationDelivery.sent_at.is_(None),
                NotificationDelivery.attempts == 0,
                NotificationDigest.created_at < utcnow() - older_than,
            )
        )
    )


def deliveries_of(digest_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(NotificationDelivery.id).where(NotificationDelivery.digest_id == digest_id)
        )
    )
