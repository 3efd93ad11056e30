"""People who sign in to the dashboard."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, delete, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .enums import Role
from .types import UTCDateTime, enum_type, utcnow


class Account(UserMixin, db.Model):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.ADMIN)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # The sign-in this request came with (set by the user loader), and the token that
    # `login_user` stores in the session cookie through `get_id` (set when signing in).
    current_session = None  # AccountSession | SessionSeen | None; not a column
    session_token = None  # str | None; not a column
    groups_version = (
        None  # int | None: the groups' data version read with the sign-in; not a column
    )

    def get_id(self) -> str | None:
        """Flask-Login's alternative id: the session token, so that the cookie names a
        server-side session that can be ended, not the account."""
        return self.session_token

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __repr__(self) -> str:
        return f"<Account {self.email} {self.role}>"


class AccountSession(db.Model):
    """One sign-in: the cookie holds its token, the table keeps only the token's SHA-256."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")


ENDS_SESSIONS = ("password_hash", "role", "active")


@event.listens_for(Session, "before_flush")
def end_sessions_of_changed_accounts(session: Session, _context, _instances) -> None:
    """A new password, another role or deactivation ends the account's sessions, whichever
    code made the change; only the session of the request that made it is kept."""
    for account in session.dirty:
        if isinstance(account, Account) and _credentials_changed(account):
            query = delete(AccountSession).where(AccountSession.account_id == account.id)
            if account.current_session is not None and has_request_context():
                query = query.where(AccountSession.id != account.current_session.id)
            session.execute(query)


def _credentials_changed(account: Account) -> bool:
    state = inspect(account)
    return any(state.attrs[name].history.has_changes() for name in ENDS_SESSIONS)
