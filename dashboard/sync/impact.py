"""What the next sync would remove because of a change to a group's team links (DESIGN §4.5).

Asked by the forms that assign a team, change a direction or unassign, before the change is
saved. It runs the real planner on the dashboard's side and the last known Thinkific side — the
base agreed at the group's last successful sync — and never calls Thinkific (a web request
does not wait on it). A group never synced has no known Thinkific side: when the new links
could remove members because of what Thinkific holds, the impact says so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Group, SyncMode, utcnow
from .planner import Action, Link, Snapshot, plan_group
from .reading import load_local_side
from .words import count

FIRST_NAMES = 3


@dataclass(frozen=True)
class Impact:
    """The removals the next sync would make under the proposed links."""

    from_thinkific: tuple[str, ...] = ()
    from_dashboard: tuple[str, ...] = ()
    unknown: str | None = None  # what may be removed although Thinkific's side is not known

    @property
    def removes(self) -> bool:
        return bool(self.from_thinkific or self.from_dashboard or self.unknown)

    def sentences(self) -> list[str]:
        said = []
        if self.from_thinkific:
            said.append(
                f"will remove {_members(self.from_thinkific)} from Thinkific: "
                f"{_first(self.from_thinkific)}"
            )
        if self.from_dashboard:
            said.append(
                f"will remove {_members(self.from_dashboard)} from the dashboard: "
                f"{_first(self.from_dashboard)}"
            )
        if self.unknown:
            said.append(self.unknown)
        return said


def link_change_impact(group: Group, links: Iterable[Link]) -> Impact:
    """What the next sync of `group` would remove if its links were `links`."""
    links = tuple(links)
    mode = SyncMode.of([link.direction for link in links])
    if mode == SyncMode.NONE or not _synced_at_all(group, mode):
        return Impact()
    view = load_local_side(group)
    known = group.last_synced_at is not None or group.thinkific_id is None
    remote = view.base if known else frozenset()
    snapshot = Snapshot(
        local=view.local,
        remote=remote,
        base=view.base,
        open_removals={key: action.opened_at for key, action in view.open_actions.items()},
        last_synced_at=group.last_synced_at,
    )
    plan = plan_group(snapshot, links, now=utcnow())
    from_thinkific = tuple(c.key for c in plan.of(Action.REMOVE_REMOTE))
    from_dashboard = tuple(c.key for c in plan.of(Action.REMOVE_LOCAL))
    if known:
        return Impact(from_thinkific, from_dashboard)
    return _unknown_side(mode, from_dashboard)


def _synced_at_all(group: Group, mode: SyncMode) -> bool:
    """Whether a sync would touch the group's members (not when it is deleted in Thinkific, nor
    when it only pulls and is not there: the sync then says so and changes nothing)."""
    if group.deleted_in_thinkific_at is not None:
        return False
    return group.thinkific_id is not None or mode != SyncMode.PULL


def _unknown_side(mode: SyncMode, local_only: tuple[str, ...]) -> Impact:
    """A group in Thinkific that no sync has read yet."""
    if mode == SyncMode.PUSH:
        return Impact(
            unknown="may remove members from Thinkific: this group's members there have not "
            "been read yet, and every one not in the dashboard would be removed"
        )
    if mode == SyncMode.PULL and local_only:
        return Impact(
            unknown=f"may remove up to {_members(local_only)} from the dashboard (those "
            f"Thinkific does not list; its members have not been read yet): {_first(local_only)}"
        )
    return Impact()  # both ways, first sync: the union, nothing removed


def _members(keys: tuple[str, ...]) -> str:
    return count(len(keys), "member")


def _first(keys: tuple[str, ...]) -> str:
    shown = ", ".join(keys[:FIRST_NAMES])
    return shown + (", …" if len(keys) > FIRST_NAMES else "")
