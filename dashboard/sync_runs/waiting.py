"""The banner every page shows while group plans wait for an admin's approval.

A context processor answers it with one query, on whole pages for signed-in people only (htmx
fragments and the sign-in page pay nothing); the template only reads what it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user
from sqlalchemy import func, select

from .. import htmx
from ..extensions import db
from ..fragment_cache import by_version
from ..models import Group, SyncState

NAMED = 5  # groups the banner names; the rest are counted


@dataclass(frozen=True)
class Waiting:
    """Groups whose sync plan waits for approval: how many, and the first few by name."""

    count: int
    groups: tuple[tuple[int, str], ...]

    @property
    def more(self) -> int:
        return self.count - len(self.groups)


def plans_waiting() -> Waiting | None:
    rows = db.session.execute(
        select(Group.id, Group.name, func.count().over())
        .where(Group.sync_state == SyncState.PAUSED)
        .order_by(Group.name, Group.id)
        .limit(NAMED)
    ).all()
    if not rows:
        return None
    return Waiting(rows[0][2], tuple((group_id, name) for group_id, name, _ in rows))


def waiting_banner() -> dict:
    """Context processor: `plans_waiting` on whole pages seen by a signed-in person (kept by
    the groups' data version when the page read it: the Groups list does)."""
    if htmx.is_partial() or not current_user.is_authenticated:
        return {}
    return {"plans_waiting": by_version("plans_waiting", plans_waiting)}
