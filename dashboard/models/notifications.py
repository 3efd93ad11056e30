"""Notifications to admins (email and chat): what each account wants to hear about, the events
worth telling, the digests that gather them, and each delivery of a digest by one channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class NotificationPreference(db.Model):
    """One account's choice for one kind of notification; no row: the defaults (all on)."""

    __tablename__ = "notification_preferences"

    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    by_email: Mapped[bool] = mapped_column(Boolean, default=True)
    by_chat: Mapped[bool] = mapped_column(Boolean, default=True)


class NotificationSettings(db.Model):
    """The school-wide part, set in Settings by an admin (one row, id 1)."""

    __tablename__ = "notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    manual_action_days: Mapped[int] = mapped_column(Integer, default=7)
    base_url: Mapped[str | None] = mapped_column(String(255))  # seen when an admin saved
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )


class Notification(db.Model):
    """Something worth telling admins, recorded once (`dedupe_key`), sent in one digest."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(255))  # a path on the dashboard, e.g. /admin/…
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_digests.id", ondelete="SET NULL"), index=True
    )


class NotificationDigest(db.Model):
    """The notifications of one kind sent together (at most one per kind per window)."""

    __tablename__ = "notification_digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)


class NotificationDelivery(db.Model):
    """A digest sent by one channel (`email` or `chat`): sent once, retried until then."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (UniqueConstraint("digest_id", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    digest_id: Mapped[int] = mapped_column(
        ForeignKey("notification_digests.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(16))
    recipients: Mapped[str] = mapped_column(Text, default="")  # email addresses, one a line
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
