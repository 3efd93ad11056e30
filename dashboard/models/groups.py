"""Groups of the Thinkific school, who is in them, and which teams they are linked to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .enums import Direction, MemberSource, SyncMode, SyncState
from .teams import Team
from .types import UTCDateTime, enum_type, utcnow
from .users import User


def name_key(name: str) -> str:
    """The case-insensitive identity of a name (Thinkific adds members to groups by name)."""
    return " ".join(name.split()).casefold()


class Group(db.Model):
    __tablename__ = "groups"
    __table_args__ = (
        Index("ix_groups_users_count_id", "users_count", "id"),
        Index("ix_groups_teams_count_id", "teams_count", "id"),
        # the banner of plans waiting for approval, on every page: paused groups by name
        Index("ix_groups_sync_state_name_id", "sync_state", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    thinkific_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    token: Mapped[str] = mapped_column(String(16), default="")
    # Denormalised, written in the same transaction as the rows they summarise:
    teams_count: Mapped[int] = mapped_column(Integer, default=0)
    users_count: Mapped[int] = mapped_column(Integer, default=0)
    sync_mode: Mapped[SyncMode] = mapped_column(enum_type(SyncMode), default=SyncMode.NONE)
    # Sync bookkeeping (DESIGN §2, §3 status badge):
    sync_state: Mapped[SyncState] = mapped_column(enum_type(SyncState), default=SyncState.IDLE)
    pending_changes: Mapped[bool] = mapped_column(Boolean, default=False)
    # a link was made, changed or removed: the next sync pauses before any removal (§4.5)
    removals_need_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    open_manual_actions: Mapped[int] = mapped_column(Integer, default=0)
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    deleted_in_thinkific_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Assignment.id"
    )

    def __repr__(self) -> str:
        return f"<Group {self.name!r}>"


class Membership(db.Model):
    """A user in a group, with the answer to "why is this person in this group?"."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index("uq_memberships_group_user", "group_id", "user_id", unique=True),
        # A group's members newest first (its page), and its first members (a team's seats).
        Index("ix_memberships_group_id_added_at_id", "group_id", "added_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[MemberSource] = mapped_column(enum_type(MemberSource))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))

    group: Mapped[Group] = relationship()
    user: Mapped[User] = relationship()


class Assignment(db.Model):
    """A group↔team link and the direction in which it syncs."""

    __tablename__ = "assignments"
    __table_args__ = (Index("uq_assignments_group_team", "group_id", "team_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    direction: Mapped[Direction] = mapped_column(enum_type(Direction))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    group: Mapped[Group] = relationship(back_populates="assignments")
    team: Mapped[Team] = relationship()
