"""What each admin wants to hear about, and by which channel. An account with no saved choice
for a kind gets the defaults: every kind by email and in chat (chat only when Settings has a
webhook URL), so the admin `make run` prints hears about the demo's first paused plan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Account, NotificationPreference, Role
from .kinds import Kind

DEFAULT = (True, True)  # (by email, in chat)


@dataclass(frozen=True)
class Choice:
    kind: Kind
    by_email: bool
    by_chat: bool


def choices(account: Account) -> list[Choice]:
    """The account's choice for every kind, defaults filled in."""
    saved = {
        row.kind: (row.by_email, row.by_chat)
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.account_id == account.id)
        )
    }
    return [Choice(kind, *saved.get(kind.value, DEFAULT)) for kind in Kind]


def save(account: Account, by_email: set[Kind], by_chat: set[Kind]) -> None:
    """Store a choice for every kind (the caller commits)."""
    rows = {
        row.kind: row
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.account_id == account.id)
        )
    }
    for kind in Kind:
        row = rows.get(kind.value)
        if row is None:
            row = NotificationPreference(account_id=account.id, kind=kind.value)
            db.session.add(row)
        row.by_email, row.by_chat = kind in by_email, kind in by_chat


def recipients(kind: Kind) -> tuple[list[str], bool]:
    """The email addresses of active admins who want `kind` by email, and whether any active
    admin wants it in chat."""
    admins = db.session.scalars(
        select(Account).where(Account.role == Role.ADMIN, Account.active.is_(True))
    ).all()
    saved = {
        row.account_id: (row.by_email, row.by_chat)
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.kind == kind.value)
        )
    }
    wants = [(admin.email, *saved.get(admin.id, DEFAULT)) for admin in admins]
    emails = sorted(email for email, by_email, _ in wants if by_email)
    return emails, any(by_chat for _, _, by_chat in wants)
