"""Discovering groups (DESIGN §4.1): Thinkific's groups list against the dashboard's groups.

`plan_discovery` compares the two lists and says what to do, in words; `apply_step` does each
step (creating a group in Thinkific with no transaction open). A dry run only plans. Thinkific
adds members to groups *by name*, so a Thinkific group and a dashboard group with the same name
(ignoring case) are the same group: it is linked, never duplicated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, select, update

from ..database import end_transaction
from ..extensions import db
from ..models import Group, ManualAction, SyncBaseMember, SyncMode, name_key
from ..thinkific.resources import Group as RemoteGroup


class Step(StrEnum):
    IMPORT = "import_group"
    LINK = "link_group"
    RENAME = "rename_group"
    DELETED = "group_deleted"
    RESTORED = "group_restored"
    CREATE = "create_group"
    CONFLICT = "group_conflict"


@dataclass(frozen=True)
class GroupStep:
    step: Step
    name: str
    reason: str
    group_id: int | None = None  # the dashboard group, when there is one
    remote: RemoteGroup | None = None


@dataclass(frozen=True)
class LocalGroup:
    id: int
    name: str
    thinkific_id: int | None
    deleted: bool
    mode: SyncMode

    @property
    def key(self) -> str:
        return name_key(self.name)


def local_groups() -> list[LocalGroup]:
    rows = db.session.execute(
        select(
            Group.id,
            Group.name,
            Group.thinkific_id,
            Group.deleted_in_thinkific_at.is_not(None),
            Group.sync_mode,
        )
    )
    return [LocalGroup(*row) for row in rows]


def plan_discovery(local: Iterable[LocalGroup], remote: Iterable[RemoteGroup]) -> list[GroupStep]:
    """What discovery must do, given both complete lists of groups."""
    return _Discovery(list(local), list(remote)).steps()


class _Discovery:
    """Walks Thinkific's list once, keeping track of which names are taken so far."""

    def __init__(self, local: list[LocalGroup], remote: list[RemoteGroup]) -> None:
        self.local, self.remote = local, remote
        self.by_id = {g.thinkific_id: g for g in local if g.thinkific_id is not None}
        self.owner = {g.key: g for g in local}  # name key → the dashboard group holding it
        self.remote_ids = {group.id for group in remote}
        self.linked: set[int] = set()

    def steps(self) -> list[GroupStep]:
        steps = [self._known(self.by_id[r.id], r) for r in self.remote if r.id in self.by_id]
        steps += [self._unknown(r) for r in self.remote if r.id not in self.by_id]
        steps += [_gone(g) for g in self.by_id.values() if g.thinkific_id not in self.remote_ids]
        remote_keys = {name_key(r.name) for r in self.remote}
        steps += [_create(g) for g in self.local if _needs_creating(g, remote_keys, self.linked)]
        return [step for step in steps if step is not None]

    def _known(self, group: LocalGroup, remote: RemoteGroup) -> GroupStep | None:
        if remote.name == group.name:
            return _restored(group, remote)
        other = self.owner.get(name_key(remote.name))
        if other is not None and other.id != group.id:
            return GroupStep(
                Step.CONFLICT,
                group.name,
                f"renamed in Thinkific to “{remote.name}”, the name of another dashboard "
                "group; rename or delete one of them",
                group.id,
                remote,
            )
        self.owner.pop(group.key, None)
        self.owner[name_key(remote.name)] = group
        return GroupStep(
            Step.RENAME, remote.name, f"renamed in Thinkific (was “{group.name}”)", group.id, remote
        )

    def _unknown(self, remote: RemoteGroup) -> GroupStep:
        key = name_key(remote.name)
        same_name = self.owner.get(key)
        if same_name is None:
            self.owner[key] = LocalGroup(0, remote.name, remote.id, False, SyncMode.NONE)
            return GroupStep(Step.IMPORT, remote.name, "new in Thinkific", None, remote)
        if same_name.id and same_name.id not in self.linked and self._free(same_name):
            self.linked.add(same_name.id)
            why = "same name as a dashboard group (Thinkific adds members by group name)"
            return GroupStep(Step.LINK, remote.name, why, same_name.id, remote)
        return GroupStep(
            Step.CONFLICT,
            remote.name,
            f"Thinkific lists more than one group named “{remote.name}”; only one is linked",
            same_name.id or None,
            remote,
        )

    def _free(self, group: LocalGroup) -> bool:
        """Not linked to a Thinkific group that still exists."""
        return group.thinkific_id is None or group.thinkific_id not in self.remote_ids


def _restored(group: LocalGroup, remote: RemoteGroup) -> GroupStep | None:
    if not group.deleted:
        return None
    return GroupStep(Step.RESTORED, remote.name, "listed by Thinkific again", group.id, remote)


def _gone(group: LocalGroup) -> GroupStep | None:
    if group.deleted:
        return None
    why = "no longer listed by Thinkific: its links pause; nothing is deleted here"
    return GroupStep(Step.DELETED, group.name, why, group.id)


def _needs_creating(group: LocalGroup, remote_keys: set[str], linked: set[int]) -> bool:
    pushes = group.mode in (SyncMode.PUSH, SyncMode.BOTH)
    missing = group.thinkific_id is None and group.key not in remote_keys
    return pushes and missing and group.id not in linked


def _create(group: LocalGroup) -> GroupStep:
    why = "a team link pushes to Thinkific, where the group does not exist yet"
    return GroupStep(Step.CREATE, group.name, why, group.id)


# --- applying ---------------------------------------------------------------------------------


def apply_step(step: GroupStep, client, now: datetime) -> Group | None:
    """Carry out one step; returns the group. Creating a group calls Thinkific, after the
    session's transaction is ended (the steps before it are committed). Callers commit."""
    group = db.session.get(Group, step.group_id) if step.group_id is not None else None
    if step.step == Step.IMPORT:
        group = _import(step.remote)
    elif step.step == Step.LINK:
        _link(group, step.remote, now)
    elif step.step in (Step.RENAME, Step.RESTORED):
        group.name, group.name_key = step.remote.name, name_key(step.remote.name)
        group.deleted_in_thinkific_at = None
    elif step.step == Step.DELETED:
        group.deleted_in_thinkific_at = now
    elif step.step == Step.CREATE:
        name = group.name
        end_transaction()
        created = client.create_group(name)  # killed after it: the next discovery links it
        group.thinkific_id, group.token = created.id, created.token
    db.session.flush()
    return group


def _import(remote: RemoteGroup) -> Group:
    group = Group(
        name=remote.name, name_key=name_key(remote.name), thinkific_id=remote.id, token=remote.token
    )
    db.session.add(group)
    return group


def _link(group: Group, remote: RemoteGroup, now: datetime) -> None:
    """Link a dashboard group to the Thinkific group of its name; a new group has no base."""
    if group.thinkific_id is not None and group.thinkific_id != remote.id:
        _forget_sync_history(group, now)  # re-created in Thinkific: a fresh first sync
    group.thinkific_id, group.token = remote.id, remote.token
    group.deleted_in_thinkific_at = None
    group.name, group.name_key = remote.name, name_key(remote.name)


def _forget_sync_history(group: Group, now: datetime) -> None:
    db.session.execute(delete(SyncBaseMember).where(SyncBaseMember.group_id == group.id))
    db.session.execute(
        update(ManualAction)
        .where(ManualAction.group_id == group.id, ManualAction.resolved_at.is_(None))
        .values(resolved_at=now, resolution="group_recreated")
    )
    group.open_manual_actions = 0
    group.last_synced_at = None
