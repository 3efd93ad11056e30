"""What each side holds for one group, as the planner's Snapshot.

The dashboard's side comes from the database in a few set queries; Thinkific's side is read in
full (every page) before anything is planned, so a failed read plans nothing. Thinkific users
are matched to dashboard users by Thinkific id first, then by lower-cased email; the key of a
member is the dashboard user's email when there is one. Callers end the session's transaction
between the two reads (`group_sync.read_both_sides`), so none is open while Thinkific is read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select, true

from ..extensions import db
from ..models import (
    Assignment,
    Group,
    ManualAction,
    Membership,
    SyncBaseMember,
    Team,
    User,
)
from ..runs.context import UserRef
from ..thinkific.errors import ThinkificError
from ..thinkific.resources import User as RemoteUser
from .planner import Link, LocalMember, Snapshot

CHUNK = 500  # ids or emails per IN (...) query


class ReadFailed(Exception):
    """Thinkific's member list could not be read in full; nothing may be planned from it."""


@dataclass
class GroupView:
    """One group's members on both sides, its base and its open manual removals."""

    group: Group
    links: tuple[Link, ...]
    local: dict[str, LocalMember] = field(default_factory=dict)
    base: frozenset[str] = frozenset()
    open_actions: dict[str, ManualAction] = field(default_factory=dict)
    users: dict[str, UserRef] = field(default_factory=dict)  # dashboard users by key
    remote: dict[str, RemoteUser] = field(default_factory=dict)  # Thinkific's members by key

    def snapshot(self) -> Snapshot:
        return Snapshot(
            local=self.local,
            remote=frozenset(self.remote),
            base=self.base,
            open_removals={key: a.opened_at for key, a in self.open_actions.items()},
            last_synced_at=self.group.last_synced_at,
        )


def load_links(group: Group) -> tuple[Link, ...]:
    rows = db.session.execute(
        select(Team.name, Assignment.direction)
        .join(Team, Team.id == Assignment.team_id)
        .where(Assignment.group_id == group.id)
        .order_by(Team.name_key)
    )
    return tuple(Link(name, direction) for name, direction in rows)


def load_local_side(group: Group) -> GroupView:
    """The dashboard's members, the base and open manual removals."""
    view = GroupView(group, load_links(group))
    members = _rows(Membership, Membership.added_at, Membership.source, group=group)
    view.local = {_remember(view, u): LocalMember(added, source) for u, added, source in members}
    view.base = frozenset(_remember(view, u) for (u,) in _rows(SyncBaseMember, group=group))
    is_open = ManualAction.resolved_at.is_(None)
    actions = _rows(ManualAction, ManualAction, group=group, also=is_open)
    view.open_actions = {_remember(view, user): action for user, action in actions}
    return view


def read_remote_side(client, view: GroupView, thinkific_id: int | None = None) -> None:
    """Read Thinkific's member list of the group in full, and match it to dashboard users."""
    try:
        members = _read_all(client.iter_group_members(thinkific_id or view.group.thinkific_id))
    except ThinkificError as error:
        raise ReadFailed(f"Could not read the group's members from Thinkific: {error}") from error
    match_remote_users(view, members)


def match_remote_users(view: GroupView, members: Iterable[RemoteUser]) -> None:
    members = list(members)
    by_id = _users_where(User.thinkific_id, [m.id for m in members])
    by_email = _users_where(User.email, [m.email.strip().lower() for m in members])
    for member in members:
        user = by_id.get(member.id) or by_email.get(member.email.strip().lower())
        key = _remember(view, user) if user else member.email.strip().lower()
        view.remote[key] = member


def _read_all(members: Iterator[RemoteUser]) -> list[RemoteUser]:
    seen: dict[int, RemoteUser] = {}
    for member in members:  # pages may overlap when the list changes while it is read
        seen.setdefault(member.id, member)
    return list(seen.values())


def _remember(view: GroupView, user: UserRef) -> str:
    view.users.setdefault(user.email, user)
    return user.email


def _rows(model, *columns, group: Group, also=None) -> list[tuple]:
    """(UserRef, *columns) for each row of `model` in the group, joined to its user."""
    statement = (
        select(User.id, User.email, User.thinkific_id, *columns)
        .select_from(model)
        .join(User, User.id == model.user_id)
        .where(model.group_id == group.id, also if also is not None else true())
    )
    return [(UserRef(*row[:3]), *row[3:]) for row in db.session.execute(statement)]


def _users_where(column, values: list) -> dict:
    found: dict = {}
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        rows = db.session.execute(
            select(User.id, User.email, User.thinkific_id).where(column.in_(chunk))
        )
        for row in rows:
            user = UserRef(*row)
            found[user.thinkific_id if column is User.thinkific_id else user.email] = user
    return found
