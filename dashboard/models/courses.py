"""The school's courses, as last read from Thinkific."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Course(db.Model):
    """A course of the Thinkific school, as last read from Thinkific."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    thinkific_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    name: Mapped[str] = mapped_column(String(255))
    slug: Mapped[str] = mapped_column(String(255), default="")
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_in_thinkific_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Course {self.name!r}>"
