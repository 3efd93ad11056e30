"""What the sync agreed on, what each run did and why, and what it could not do by API."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .courses import Course
from .enums import EventOutcome, RunState, RunTrigger
from .groups import Group
from .types import UTCDateTime, enum_type, utcnow
from .users import User


class SyncBaseMember(db.Model):
    """One member of the set both sides agreed on at a group's last successful sync."""

    __tablename__ = "sync_base_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SyncRun(db.Model):
    __tablename__ = "sync_runs"
    # a group's runs, newest first: its page reads its latest few whatever the history
    __table_args__ = (Index("ix_sync_runs_group_id_id", "group_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trigger: Mapped[RunTrigger] = mapped_column(enum_type(RunTrigger))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    access_only: Mapped[bool] = mapped_column(Boolean, default=False)  # users' course access only
    state: Mapped[RunState] = mapped_column(enum_type(RunState), default=RunState.QUEUED)
    job_id: Mapped[str | None] = mapped_column(String(64))
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    groups_total: Mapped[int] = mapped_column(Integer, default=0)
    groups_done: Mapped[int] = mapped_column(Integer, default=0)
    groups_imported: Mapped[int] = mapped_column(Integer, default=0)
    groups_created: Mapped[int] = mapped_column(Integer, default=0)
    groups_failed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    groups_paused: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    added_remote: Mapped[int] = mapped_column(Integer, default=0)
    removed_remote: Mapped[int] = mapped_column(Integer, default=0)
    added_local: Mapped[int] = mapped_column(Integer, default=0)
    removed_local: Mapped[int] = mapped_column(Integer, default=0)
    manual_actions: Mapped[int] = mapped_column(Integer, default=0)
    access_granted: Mapped[int] = mapped_column(Integer, default=0)
    access_changed: Mapped[int] = mapped_column(Integer, default=0)
    access_ended: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    rate_limited: Mapped[int] = mapped_column(Integer, default=0)
    # the run this run undoes (trigger `undo`); its undo runs point back here
    undo_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="SET NULL"), index=True
    )

    group: Mapped[Group | None] = relationship()


class SyncRunGroup(db.Model):
    """A group a run synced (read, planned, applied or paused), changes or not: the group's
    page lists every run that synced it."""

    __tablename__ = "sync_run_groups"
    __table_args__ = (Index("ix_sync_run_groups_group_id_run_id", "group_id", "run_id"),)

    run_id: Mapped[int] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True
    )
    group_id: Mapped[int] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True
    )


class SyncEvent(db.Model):
    """One planned or applied change of a run, with its reason in words."""

    __tablename__ = "sync_events"
    __table_args__ = (
        # a group's events, and the runs that left them newest first (its page's recent runs)
        Index("ix_sync_events_group_id_run_id_id", "group_id", "run_id", "id"),
        # a run's events filtered by outcome or action, in order; what waits for an admin
        Index("ix_sync_events_run_id_outcome_id", "run_id", "outcome", "id"),
        Index("ix_sync_events_run_id_action_id", "run_id", "action", "id"),
        Index("ix_sync_events_outcome_action_run_id", "outcome", "action", "run_id"),
        # a run's events by group: whether a short search's groups hold many (event_search)
        Index("ix_sync_events_run_id_group_id", "run_id", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    email: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[EventOutcome] = mapped_column(enum_type(EventOutcome))
    reason: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text)
    # an access change: the enrollment's expiry before it (what an undo restores)
    expires_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    run: Mapped[SyncRun] = relationship()
    group: Mapped[Group | None] = relationship()
    user: Mapped[User | None] = relationship()
    course: Mapped[Course | None] = relationship()


class ManualAction(db.Model):
    """A change the dashboard cannot make in Thinkific by API, left for a person to make."""

    __tablename__ = "manual_actions"
    __table_args__ = (Index("ix_manual_actions_group_open", "group_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(32), default="remove_remote")
    reason: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(String(64))

    group: Mapped[Group] = relationship()
    user: Mapped[User] = relationship()
