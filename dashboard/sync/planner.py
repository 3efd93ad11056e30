"""The three-way merge of DESIGN §4.3, as a pure function of what each side holds.

Members are keys: lower-cased emails, resolved by the reader (a Thinkific user matched to a
dashboard user by Thinkific id takes that user's email). Nothing here touches Flask, HTTP or
the database, so one plan serves Preview, the CLI and a real run alike.

One fact beyond L, R and B keeps the merge honest: an open manual removal (§4.4) counts as
removed on Thinkific's side, so a bidirectional link does not read the member back as a
Thinkific addition. Nothing else is assumed about Thinkific (DESIGN §4.5): a member is there
when Thinkific lists it, and a member missing from a complete read is missing, however
recently the sync added it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from ..models import Direction, MemberSource, SyncMode
from ..plurals import count
from .words import ADDED_BY_SOURCE, links_phrase, when


class Action(StrEnum):
    ADD_REMOTE = "add_remote"
    REMOVE_REMOTE = "remove_remote"
    ADD_LOCAL = "add_local"
    REMOVE_LOCAL = "remove_local"
    CLOSE_MANUAL = "close_manual"

    @property
    def removes(self) -> bool:
        return self in (Action.REMOVE_REMOTE, Action.REMOVE_LOCAL)


ACTION_ORDER = list(Action)
SUMMARY_WORDS = {
    Action.ADD_REMOTE: "to add in Thinkific",
    Action.REMOVE_REMOTE: "to remove from Thinkific",
    Action.ADD_LOCAL: "to add in the dashboard",
    Action.REMOVE_LOCAL: "to remove from the dashboard",
}
COUNTED_WORDS = {Action.CLOSE_MANUAL: ("manual action", "to close")}


@dataclass(frozen=True)
class Link:
    team: str
    direction: Direction


@dataclass(frozen=True)
class LocalMember:
    added_at: datetime | None
    source: MemberSource = MemberSource.DASHBOARD


@dataclass(frozen=True)
class Snapshot:
    """What each side holds for one group, keyed by lower-cased email."""

    local: Mapping[str, LocalMember]
    remote: frozenset[str]
    base: frozenset[str] = frozenset()
    open_removals: Mapping[str, datetime] = field(default_factory=dict)  # key → opened at
    last_synced_at: datetime | None = None


@dataclass(frozen=True)
class Change:
    action: Action
    key: str
    reason: str


@dataclass(frozen=True)
class Plan:
    mode: SyncMode
    changes: tuple[Change, ...]
    agreed: frozenset[str]  # the new base once every change is applied
    size: int = 0  # members known on either side

    def of(self, action: Action) -> list[Change]:
        return [change for change in self.changes if change.action == action]

    @property
    def removals(self) -> list[Change]:
        return [change for change in self.changes if change.action.removes]

    def needs_approval(
        self, limit: int, percent: int, approved: Iterable[str] = (), *, any_removal: bool = False
    ) -> bool:
        """More removals (not yet approved) than `limit` and than `percent` % of the group;
        with `any_removal` (a team link just changed), any removal not yet approved."""
        allowed = set(approved)
        waiting = sum(1 for change in self.removals if change.key not in allowed)
        if any_removal:
            return waiting > 0
        return waiting > limit and waiting * 100 > percent * self.size

    def summary(self) -> str:
        parts = [
            _summary_part(action, len(self.of(action)))
            for action in ACTION_ORDER
            if self.of(action)
        ]
        return ", ".join(parts) if parts else "nothing to change"


def summary_words(action: Action, number: int) -> str:
    """What `number` changes of `action` are, after the number ("to add in Thinkific")."""
    if action in COUNTED_WORDS:
        noun, what = COUNTED_WORDS[action]
        return f"{count(number, noun).partition(' ')[2]} {what}"
    return SUMMARY_WORDS[action]


def _summary_part(action: Action, number: int) -> str:
    return f"{number:,} {summary_words(action, number)}"


@dataclass(frozen=True)
class _Sides:
    local: frozenset[str]
    seen: frozenset[str]  # in Thinkific: what the complete read listed
    merge_remote: frozenset[str]  # Thinkific's side for the merge: seen minus open removals
    base: frozenset[str]

    @classmethod
    def of(cls, snapshot: Snapshot) -> _Sides:
        return cls(
            local=frozenset(snapshot.local),
            seen=snapshot.remote,
            merge_remote=snapshot.remote - frozenset(snapshot.open_removals),
            base=snapshot.base,
        )


def target_set(mode: SyncMode, sides: _Sides) -> frozenset[str]:
    """The member set both sides should end with (the table of DESIGN §4.3)."""
    local, remote, base = sides.local, sides.merge_remote, sides.base
    if mode == SyncMode.PULL:
        return sides.seen
    if mode == SyncMode.PUSH:
        return local
    if mode == SyncMode.BOTH:
        return (local & remote) | (local - base) | (remote - base)
    return base


def plan_group(
    snapshot: Snapshot,
    links: Iterable[Link],
    *,
    now: datetime,
    kept: Iterable[str] = (),
) -> Plan:
    """Plan one group's sync; `kept` are members whose removal an admin rejected."""
    links = tuple(links)
    mode = SyncMode.of([link.direction for link in links])
    if mode == SyncMode.NONE:
        return Plan(mode, (), snapshot.base)
    sides = _Sides.of(snapshot)
    kept = frozenset(kept) & (sides.local | sides.seen)
    target = target_set(mode, sides) | kept
    words = _Reasons(snapshot, sides, links, mode, now, kept)
    changes = [
        *words.changes(Action.ADD_REMOTE, target - sides.seen),
        *words.changes(Action.REMOVE_REMOTE, sides.merge_remote - target),
        *words.changes(Action.ADD_LOCAL, target - sides.local),
        *words.changes(Action.REMOVE_LOCAL, sides.local - target),
        *words.changes(Action.CLOSE_MANUAL, _closable(snapshot, sides, target)),
    ]
    size = len(sides.local | sides.seen)
    return Plan(mode, tuple(changes), frozenset(target), size)


def _closable(snapshot: Snapshot, sides: _Sides, target: frozenset[str]) -> set[str]:
    """Open manual removals that are done (gone from Thinkific) or no longer wanted."""
    return {key for key in snapshot.open_removals if key not in sides.seen or key in target}


@dataclass(frozen=True)
class _Reasons:
    """Every planned change carries its reason in words."""

    snapshot: Snapshot
    sides: _Sides
    links: tuple[Link, ...]
    mode: SyncMode
    now: datetime
    kept: frozenset[str]

    def changes(self, action: Action, keys: Iterable[str]) -> list[Change]:
        explain = EXPLAIN[action]
        return [Change(action, key, explain(self, key)) for key in sorted(keys)]

    def add_remote(self, key: str) -> str:
        if key in self.kept:
            why = "an admin rejected removing this member"
        else:
            member = self.snapshot.local[key]
            why = f"{ADDED_BY_SOURCE[member.source]} {when(member.added_at)}"
            if self.mode == SyncMode.PUSH:
                why += ", not in the Thinkific group"
        return f"add to Thinkific: {why}, {self._links(pushing=True)}"

    def remove_remote(self, key: str) -> str:
        if self.mode == SyncMode.PUSH:
            why = "not a member in the dashboard, which Thinkific mirrors"
        else:
            why = f"removed in the dashboard since the last sync {self._last_sync()}"
        return f"remove from Thinkific: {why}, {self._links(pushing=True)}"

    def add_local(self, key: str) -> str:
        if key in self.kept:
            why = "an admin rejected removing this member"
        elif self.mode == SyncMode.PULL:
            why = f"in the Thinkific group (read {when(self.now)})"
        elif self.snapshot.last_synced_at is None:
            why = f"in the Thinkific group at the first sync (read {when(self.now)})"
        else:
            why = f"added in Thinkific since the last sync {self._last_sync()}"
        return f"add to the dashboard: {why}, {self._links(pushing=False)}"

    def remove_local(self, key: str) -> str:
        if self.mode == SyncMode.PULL:
            why = f"not in the Thinkific group (read {when(self.now)})"
        else:
            why = f"removed in Thinkific since the last sync {self._last_sync()}"
        return f"remove from the dashboard: {why}, {self._links(pushing=False)}"

    def close_manual(self, key: str) -> str:
        if key not in self.sides.seen:
            return f"resolved: no longer in the Thinkific group (read {when(self.now)})"
        if key in self.kept:
            return "closed: an admin rejected this removal"
        if self.mode == SyncMode.PULL:
            return "closed: the group now only pulls, and Thinkific still has this member"
        return "closed: added back in the dashboard"

    def _links(self, *, pushing: bool) -> str:
        wanted = [
            (link.team, link.direction)
            for link in self.links
            if (link.direction.pushes if pushing else link.direction.pulls)
        ]
        return links_phrase(wanted)

    def _last_sync(self) -> str:
        return when(self.snapshot.last_synced_at)


# The reason in words for each kind of change.
EXPLAIN: dict[Action, Callable[[_Reasons, str], str]] = {
    Action.ADD_REMOTE: _Reasons.add_remote,
    Action.REMOVE_REMOTE: _Reasons.remove_remote,
    Action.ADD_LOCAL: _Reasons.add_local,
    Action.REMOVE_LOCAL: _Reasons.remove_local,
    Action.CLOSE_MANUAL: _Reasons.close_manual,
}
