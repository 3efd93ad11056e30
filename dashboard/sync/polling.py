"""Fitting the periodic poll into the request budget (DESIGN §4.6).

Reading a group costs one call per 250 members (at least one). Each poll may use half of what
the rate limit allows in one interval, leaving the rest for admins' actions. When every synced
group does not fit, the poll takes the groups with changes waiting first, then the least
recently read, and the rest wait for the next poll; `coverage()` says how long it then takes
until every group has been read (shown on the Settings page).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from ..extensions import db
from ..models import Group, SyncMode, SyncState
from ..thinkific.pagination import PAGE_SIZE

POLL_SHARE = 0.5  # of an interval's requests; the other half is left for people


@dataclass(frozen=True)
class Candidate:
    id: int
    users_count: int
    last_read_at: datetime | None
    pending: bool

    @property
    def cost(self) -> int:
        return read_cost(self.users_count)


@dataclass(frozen=True)
class PollBudget:
    rate_per_minute: int
    interval_minutes: int

    @property
    def interval_calls(self) -> int:
        return self.rate_per_minute * self.interval_minutes

    @property
    def poll_calls(self) -> int:
        return max(1, int(self.interval_calls * POLL_SHARE))


@dataclass(frozen=True)
class Coverage:
    """How the poll fits: calls one full poll needs, calls one poll may use, and the period
    in which every synced group gets read."""

    groups: int
    full_poll_calls: int
    poll_calls: int
    interval_minutes: int
    polls_per_round: int

    @property
    def period_minutes(self) -> int:
        return self.polls_per_round * self.interval_minutes

    @property
    def spread(self) -> bool:
        return self.polls_per_round > 1


def read_cost(users_count: int) -> int:
    return max(1, math.ceil(users_count / PAGE_SIZE))


def poll_budget(config: Mapping[str, Any]) -> PollBudget:
    return PollBudget(config["THINKIFIC_RATE_LIMIT"], config["SYNC_INTERVAL_MINUTES"])


def candidates(excluded: Iterable[int] = ()) -> list[Candidate]:
    """Groups a sync reads: a syncing link, in Thinkific, not deleted there, not paused."""
    rows = db.session.execute(
        select(Group.id, Group.users_count, Group.last_read_at, Group.pending_changes)
        .where(
            Group.sync_mode != SyncMode.NONE,
            Group.thinkific_id.is_not(None),
            Group.deleted_in_thinkific_at.is_(None),
            Group.sync_state != SyncState.PAUSED,
        )
        .order_by(
            Group.pending_changes.desc(),
            Group.last_read_at.is_not(None),
            Group.last_read_at,
            Group.id,
        )
    )
    excluded = set(excluded)
    return [Candidate(*row) for row in rows if row.id not in excluded]


def choose(ordered: list[Candidate], budget: PollBudget, discovery: int) -> list[Candidate]:
    """The longest prefix of `ordered` whose reads fit one poll after `discovery` calls
    (always at least one group, so every group is read eventually)."""
    chosen, spent = [], discovery
    for candidate in ordered:
        if chosen and spent + candidate.cost > budget.poll_calls:
            break
        chosen.append(candidate)
        spent += candidate.cost
    return chosen


def discovery_cost(groups: int) -> int:
    return max(1, math.ceil(groups / PAGE_SIZE))


def fixed_cost(access_calls: int) -> int:
    """Calls a poll makes whatever groups it reads: the groups list, and team access
    (`access_calls`: the courses list and the enrollments of the courses teams give)."""
    return discovery_cost(group_total()) + access_calls


def coverage(config: Mapping[str, Any], access_calls: int) -> Coverage:
    """The real period in which every synced group is read, for the Settings page."""
    budget = poll_budget(config)
    groups = candidates()
    reads = sum(c.cost for c in groups)
    discovery = fixed_cost(access_calls)
    per_poll = max(1, budget.poll_calls - discovery)
    polls = max(1, math.ceil(reads / per_poll))
    return Coverage(
        len(groups), reads + discovery, budget.poll_calls, budget.interval_minutes, polls
    )


def group_total() -> int:
    return db.session.scalar(select(func.count()).select_from(Group)) or 0
