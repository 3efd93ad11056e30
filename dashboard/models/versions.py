"""A version of the groups' listed data, bumped in the same transaction as any change to it.

The Groups table shows only columns of `groups` (its counts are stored there too), so a version
that moves whenever a transaction writes a listed column of `groups` tells a cache whether a
page of rows drawn earlier still holds. Any session's commit that wrote one (by the ORM or by
an UPDATE/INSERT/DELETE statement on `groups`) adds 1 to `data_versions.value` just before it
commits: last, so that the version's row lock is held only for the commit itself.

A missing row (a database just emptied) reads as unknown (no caching) and is recreated from
a random start, so that a version never names two different states of the data.
"""

from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, String, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .groups import Group

GROUPS = "groups"
CHANGED = "groups_version_changed"  # in Session.info: this transaction wrote listed data
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
    return select(DataVersion.value).where(DataVersion.name == GROUPS).scalar_subquery().label("v")


@event.listens_for(Session, "after_flush")
def _note_flushed_groups(session: Session, _context) -> None:
    if any(isinstance(o, Group) for o in (*session.new, *session.deleted)) or any(
        isinstance(o, Group) and _listed_changed(o) for o in session.dirty
    ):
        session.info[CHANGED] = True


def _listed_changed(group: Group) -> bool:
    attrs = inspect(group).attrs
    return any(attrs[name].history.has_changes() for name in LISTED)


@event.listens_for(Session, "do_orm_execute")
def _note_group_statements(state) -> None:
    writes = state.is_update or state.is_delete or state.is_insert
    if writes and getattr(state.statement.table, "name", None) == GROUPS:
        state.session.info[CHANGED] = True


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    session.flush()  # what is still pending is part of this commit
    if not session.info.pop(CHANGED, False):
        return
    session.execute(_bump_statement(session))


@event.listens_for(Session, "after_transaction_end")
def _forget_rolled_back(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost: committed (popped already) or rolled back
        session.info.pop(CHANGED, None)


def _bump_statement(session: Session):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(DataVersion).values(name=GROUPS, value=secrets.randbelow(2**52))
    return statement.on_conflict_do_update(
        index_elements=[DataVersion.name], set_={"value": DataVersion.value + 1}
    )
