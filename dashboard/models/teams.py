"""Teams (customer companies) and the courses each one gives its members."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from .courses import Course

team_courses = Table(
    "team_courses",
    db.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    """A customer company or department; membership in its groups gives its configuration."""

    __tablename__ = "teams"
    __table_args__ = (Index("ix_teams_users_count_id", "users_count", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    seat_limit: Mapped[int | None] = mapped_column(Integer)
    access_ends_on: Mapped[date | None] = mapped_column(Date)
    groups_count: Mapped[int] = mapped_column(Integer, default=0)
    # distinct members of its groups, kept with them (dashboard/counts.py)
    users_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    courses: Mapped[list[Course]] = relationship(
        secondary=team_courses, order_by="Course.name", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Team {self.name!r}>"
