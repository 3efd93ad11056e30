"""Versions of data that pages keep, each bumped in the same transaction as any change to it.

The Groups table shows only columns of `groups` (its counts are stored there too), so a version
that moves whenever a transaction writes a listed column of `groups` tells a cache whether a
page of rows drawn earlier still holds. Any session's commit that wrote one (by the ORM or by
an UPDATE/INSERT/DELETE statement on `groups`) adds 1 to `data_versions.value` just before it
commits: last, so that the version's row lock is held only for the commit itself.

The users' version moves with each commit that adds or removes users (by the ORM or by an
INSERT/DELETE statement on `users`): the Users list's total is counted again only then.

A missing row (a database just emptied) reads as unknown (no caching) and is recreated from
a random start, so that a version never names two different states of the data. A commit that
moves both bumps them in the same order (by name), so two commits never wait on each other.
"""

from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, String, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .groups import Group
from .users import User

GROUPS, USERS = "groups", "users"
CHANGED = "data_versions_changed"  # in Session.info: the versions this transaction moves
# The columns the Groups table shows (name, token, ids, counts, and what its status reads).
LISTED = frozenset(
    (
        "name",
        "token",
        "thinkific_id",
        "teams_count",
        "users_count",
        "sync_mode",
        "sync_state",
        "pending_changes",
        "open_manual_actions",
        "last_synced_at",
        "last_error",
        "deleted_in_thinkific_at",
    )
)


class DataVersion(db.Model):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def version_column():
    """The groups' data version as a scalar subquery, to read along with another query (in
    the same statement, hence the same snapshot); NULL when the row is missing."""
    return version_of(GROUPS).label("v")


def version_of(name: str):
    """The version `name` (GROUPS, USERS) as a scalar subquery; NULL when the row is missing."""
    return select(DataVersion.value).where(DataVersion.name == name).scalar_subquery()


def _note(session: Session, name: str) -> None:
    session.info.setdefault(CHANGED, set()).add(name)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    added_or_gone = (*session.new, *session.deleted)
    if any(isinstance(o, Group) for o in added_or_gone) or any(
        isinstance(o, Group) and _listed_changed(o) for o in session.dirty
    ):
        _note(session, GROUPS)
    if any(isinstance(o, User) for o in added_or_gone):
        _note(session, USERS)


def _listed_changed(group: Group) -> bool:
    attrs = inspect(group).attrs
    return any(attrs[name].history.has_changes() for name in LISTED)


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state) -> None:
    adds_or_removes = state.is_delete or state.is_insert
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name == GROUPS and (adds_or_removes or state.is_update):
        _note(state.session, GROUPS)
    elif name == USERS and adds_or_removes:
        _note(state.session, USERS)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    session.flush()  # what is still pending is part of this commit
    for name in sorted(session.info.pop(CHANGED, ())):
        session.execute(_bump_statement(session, name))


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost: committed (popped already) or rolled back
        session.info.pop(CHANGED, None)


def _bump_statement(session: Session, name: str):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DataVersion).values(name=name, value=secrets.randbelow(2**52))
    return statement.on_conflict_do_update(
        index_elements=[DataVersion.name], set_={"value": DataVersion.value + 1}
    )
