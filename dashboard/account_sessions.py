"""Sign-in sessions kept in the database, so that each one can be ended for good.

The session cookie holds a random token (Flask-Login's alternative id, `Account.get_id`); the
table keeps its SHA-256 only. A token whose row is gone, idle too long or too old signs nobody
in. Changing an account's password, role or activity ends its other sessions by itself
(`models.account.end_sessions_of_changed_accounts`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, inspect, select, update
from sqlalchemy.orm import make_transient_to_detached

from .extensions import db
from .models import Account, AccountSession, utcnow
from .models.versions import GROUPS, version_of

TOUCH_EVERY = timedelta(minutes=1)  # how stale last_seen_at may get before it is written
# The account a token names, with what its session's lifetime reads: built once (every
# request asks it), and read as a plain row, past the ORM's loading (`_persistent`).
ACCOUNT_COLUMNS = tuple(Account.__table__.c)
ACCOUNT_KEYS = tuple(Account.__mapper__.get_property_by_column(c).key for c in ACCOUNT_COLUMNS)
ACCOUNT_CLASS = Account._sa_class_manager
RESUME = (
    select(
        *ACCOUNT_COLUMNS,
        AccountSession.id,
        AccountSession.created_at,
        AccountSession.last_seen_at,
        version_of(GROUPS),  # read along: what pages keep is kept by it (`Account.groups_version`)
    )
    .join(AccountSession, Account.id == AccountSession.account_id)
    .where(AccountSession.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True)
class SessionSeen:
    """Of a sign-in session, what a request needs: which one, and how old and idle it is."""

    id: int
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_config(cls, config) -> Lifetime:
        return cls(
            idle=timedelta(hours=config["SESSION_IDLE_HOURS"]),
            absolute=timedelta(days=config["SESSION_MAX_DAYS"]),
        )

    def expired(self, row: AccountSession | SessionSeen, now: datetime) -> bool:
        return now - row.last_seen_at > self.idle or now - row.created_at > self.absolute


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(account: Account, user_agent: str, ip_address: str) -> str:
    """Record a new sign-in of `account` and return its token (for the cookie)."""
    token = secrets.token_urlsafe(32)
    row = AccountSession(
        account_id=account.id,
        token_hash=token_hash(token),
        user_agent=user_agent[:255],
        ip_address=ip_address[:45],
    )
    db.session.add(row)
    db.session.commit()
    account.session_token, account.current_session = token, row
    return token


def resume(token: str, lifetime: Lifetime) -> Account | None:
    """The active account whose live session `token` names; an expired session is ended.

    One query reads both (every request asks), so an ended session or a deactivated account
    signs nobody in from the very next request; the groups' data version comes with them
    (`Account.groups_version`), so that a page kept by it costs no statement of its own."""
    found = db.session.connection().execute(RESUME, {"token_hash": token_hash(token)}).first()
    if found is None:
        return None
    columns = len(ACCOUNT_COLUMNS)
    row = SessionSeen(*found[columns : columns + 3])
    now = utcnow()
    if lifetime.expired(row, now):
        end(row)
        return None
    account = _persistent(found[:columns])
    if not account.active:
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        touched = update(AccountSession).where(AccountSession.id == row.id)
        db.session.execute(touched.values(last_seen_at=now))
        db.session.commit()
    account.session_token, account.current_session = token, row
    account.groups_version = found[-1]
    return account


def _persistent(values) -> Account:
    """The account of a plain row, in the session as if the ORM had loaded it (no statement):
    its columns set as loading sets them (no change to flush, its key its id), and the
    instance the session already has, if any, kept. ~70 µs of a kept page's ~0.75 ms less
    than the ORM's own loading of the same row, ~50 µs less than `merge(load=False)`."""
    account = ACCOUNT_CLASS.new_instance()
    account.__dict__.update(zip(ACCOUNT_KEYS, values, strict=True))
    make_transient_to_detached(account)
    session = db.session()
    already = session.identity_map.get(inspect(account).key)
    if already is not None:
        return already
    session.add(account)
    return account


def end(row: AccountSession | SessionSeen) -> None:
    db.session.execute(delete(AccountSession).where(AccountSession.id == row.id))
    db.session.commit()


def end_others(account: Account) -> int:
    """End every session of `account` but the current one; returns how many were ended. The
    caller commits (with the activity record that says so)."""
    query = delete(AccountSession).where(AccountSession.account_id == account.id)
    if account.current_session is not None:
        query = query.where(AccountSession.id != account.current_session.id)
    return db.session.execute(query).rowcount


def active_sessions(account: Account, lifetime: Lifetime) -> list[AccountSession]:
    """The account's sessions that still sign in, most recently used first."""
    rows = db.session.scalars(
        select(AccountSession)
        .filter_by(account_id=account.id)
        .order_by(AccountSession.last_seen_at.desc(), AccountSession.id.desc())
    )
    now = utcnow()
    return [row for row in rows if not lifetime.expired(row, now)]
