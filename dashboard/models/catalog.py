"""Teams (customer companies), learners (Users) and the school's courses."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

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


class User(db.Model):
    """A learner: a person in the Thinkific school.

    Search runs on `email first_name last_name` through indexes the models cannot declare
    (migration 0002): an FTS5 trigram table kept by triggers on SQLite, a trigram index on
    PostgreSQL. See `dashboard/users/search.py`.
    """

    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_last_name_first_name", "last_name", "first_name", "id"),
        Index("ix_users_groups_count_id", "groups_count", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100), default="")
    last_name: Mapped[str] = mapped_column(String(100), default="")
    thinkific_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # the groups they are in, kept with the memberships (dashboard/counts.py)
    groups_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __repr__(self) -> str:
        return f"<User {self.email}>"


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
