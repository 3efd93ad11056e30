"""Thinkific enrollments as the access sync knows them: the ones it created, and the ones it
found and must leave alone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .courses import Course
from .types import UTCDateTime, utcnow
from .users import User


class AccessEnrollment(db.Model):
    """One user's enrollment in one course (Thinkific keeps one per pair).

    `created_by_dashboard` rows are the enrollments the dashboard created: the only ones it
    ever changes. Other rows record an enrollment made outside the dashboard for a course a
    team gives, so the UI can say why the sync leaves it alone. A row whose `thinkific_id` is
    still empty is a creation in flight (written before the `POST`, so that a job killed
    mid-way still knows the enrollment is its own).
    """

    __tablename__ = "access_enrollments"
    __table_args__ = (
        Index("uq_access_enrollments_user_course", "user_id", "course_id", unique=True),
        Index("ix_access_enrollments_course_id", "course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    thinkific_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    created_by_dashboard: Mapped[bool] = mapped_column(Boolean, default=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: never expires
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the sync ended it
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an admin refused to end it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    course: Mapped[Course] = relationship()

    def active(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at > now

    def __repr__(self) -> str:
        return f"<AccessEnrollment user={self.user_id} course={self.course_id}>"
