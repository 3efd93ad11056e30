"""The audit trail: who did what, when, from where, and what it changed (before → after).

Rows are only ever added; the one way out is the retention purge (`activity.purge`). Each row
names its object as it was (type, id and name), so it still reads right after the object is
renamed or deleted; `related_*` names a second object a change is also about (the team of a
link, the user of a membership), so that both detail pages list it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Activity(db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_at", "at"),
        Index("ix_activities_kind_id", "kind", "id"),
        Index("ix_activities_actor_email_id", "actor_email", "id"),
        Index("ix_activities_object", "object_type", "object_id", "id"),
        Index("ix_activities_related", "related_type", "related_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254), default="")  # as it was; "" = system
    ip: Mapped[str] = mapped_column(String(45), default="")
    object_type: Mapped[str | None] = mapped_column(String(20))
    object_id: Mapped[int | None] = mapped_column(Integer)
    object_name: Mapped[str] = mapped_column(String(255), default="")
    related_type: Mapped[str | None] = mapped_column(String(20))
    related_id: Mapped[int | None] = mapped_column(Integer)
    related_name: Mapped[str] = mapped_column(String(255), default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind} by {self.actor_email or 'system'}>"
