"""Learners: the people of the Thinkific school."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class User(db.Model):
    """A learner: a person in the Thinkific school.

    Search runs on `email first_name last_name` through indexes the models cannot declare
    (migration 0002): an FTS5 trigram table kept by triggers on SQLite, a trigram index on
    PostgreSQL. See `dashboard/users/search.py`. So do the indexes on the start of the email
    and names (a short search) and PostgreSQL's order by Thinkific ID with NULLs last (0015).
    """

    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_last_name_first_name", "last_name", "first_name", "id"),
        Index("ix_users_groups_count_id", "groups_count", "id"),
        # a page of users sorted by email or Thinkific ID read from the index alone (0015)
        Index("ix_users_email_id", "email", "id"),
        Index("ix_users_thinkific_id_id", "thinkific_id", "id"),
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
        return full_name(self.first_name, self.last_name)

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def full_name(first_name: str, last_name: str) -> str:
    """A user's name as pages show it: first and last, either possibly blank."""
    return f"{first_name} {last_name}".strip()
