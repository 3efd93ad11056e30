"""Reading sync runs and their events: the history list, one run's filtered events, the CSV.

A page of runs costs a count and one joined query; a page of events the same. The CSV reads
the events in batches by id (keyset), so an export of a huge run never holds it in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, distinct, func, select, union

from ..database import is_postgresql
from ..extensions import db
from ..listing import (
    ListArgs,
    Page,
    count_limit,
    paginate,
    parse_page,
    parse_search,
)
from ..models import Account, EventOutcome, Group, SyncEvent, SyncRun, name_key
from ..page_ids import counted_page, id_page
from ..search import EVENTS, GROUPS, count_cap, indexed, matches
from ..sync.group_sync import AWAITING_APPROVAL
from .event_search import is_dense, range_counts, short_ids, short_matches
from .words import ACTIONS

RUNS_PER_PAGE = 25
EVENTS_PER_PAGE = 50
EXPORT_BATCH = 2000
GROUP_CHOICES = 200  # groups listed in a run's group filter


@dataclass(frozen=True)
class RunRow:
    run: SyncRun
    email: str | None  # who started it
    group_name: str | None  # the group of a one-group run
    dense: bool | None = None  # whether a short search's ranges are dense (`event_search`)


def run_page(args: ListArgs) -> Page:
    """Runs, newest first, with who started each and the group of one-group runs."""
    rows = (
        select(SyncRun, Account.email, Group.name)
        .outerjoin(Account, Account.id == SyncRun.started_by_id)
        .outerjoin(Group, Group.id == SyncRun.group_id)
        .order_by(SyncRun.id.desc())
    )
    page = paginate(rows, args.page, counted=select(SyncRun.id), per_page=RUNS_PER_PAGE)
    return _with_items(page, [RunRow(*row) for row in page.items])


def run_row(run_id: int, q: str = "") -> RunRow | None:
    """The run, who started it and its group; with a short search `q` of its events, whether
    that search's ranges are dense, read along (`event_search.range_counts`)."""
    counts = range_counts(run_id, q) if q and not indexed(q) else []
    row = db.session.execute(
        select(SyncRun, Account.email, Group.name, *counts)
        .outerjoin(Account, Account.id == SyncRun.started_by_id)
        .outerjoin(Group, Group.id == SyncRun.group_id)
        .where(SyncRun.id == run_id)
    ).first()
    if row is None:
        return None
    return RunRow(*row[:3], dense=is_dense(row[3:]) if counts else None)


@dataclass(frozen=True)
class EventFilters:
    """What a run's event list shows; a value that is not a real choice is ignored (noted)."""

    action: str = ""
    outcome: str = ""
    group: int | None = None
    q: str = ""
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def values(self) -> dict[str, Any]:
        """The filters as URL values (empty ones left out)."""
        values = {"action": self.action, "outcome": self.outcome, "group": self.group}
        return {key: value for key, value in values.items() if value}

    def list_args(self, run_id: int) -> ListArgs:
        values = {"run_id": run_id, **self.values()}
        return ListArgs("sync_runs.detail", values, q=self.q, page=self.page, notices=self.notices)

    @property
    def active(self) -> bool:
        return bool(self.values() or self.q)


def parse_event_filters(args: Mapping[str, str]) -> EventFilters:
    notices = []
    action = args.get("action", "")
    if action and action not in ACTIONS:
        notices.append("That action is not one a sync records; showing every action.")
        action = ""
    outcome = args.get("outcome", "")
    if outcome and outcome not in set(EventOutcome):
        notices.append("That outcome is not one a sync records; showing every outcome.")
        outcome = ""
    group = _group_id(args.get("group", ""), notices)
    q, page = parse_search(args.get("q"), notices), parse_page(args.get("page"), notices)
    return EventFilters(action, outcome, group, q, page, tuple(notices))


def _group_id(raw: str, notices: list[str]) -> int | None:
    if not raw:
        return None
    if raw.isdigit() and 0 < int(raw) < 2**31:
        return int(raw)
    notices.append("That is not a group of this run; showing every group.")
    return None


def event_page(run: SyncRun, filters: EventFilters, dense: bool | None = None) -> Page:
    """A page of the run's events matching `filters`, oldest first, with each group's name,
    counted in the same statement (`page_ids.id_page`); `dense`: `RunRow.dense`, if read.

    Counting stops past a thousand (or the page asked for): a run of 100,000 events need not
    be counted in full to show its first page."""
    ids, limit = _event_ids(run.id, filters, dense), _count_limit(filters)
    shown = id_page(ids, filters.page, limit, per_page=EVENTS_PER_PAGE, newest_first=False)
    rows = db.session.execute(
        select(SyncEvent, Group.name, shown.c.counted)
        .join(shown, shown.c.id == SyncEvent.id)
        .outerjoin(Group, Group.id == SyncEvent.group_id)
        .order_by(SyncEvent.id)
    ).all()
    return counted_page(rows, filters.page, limit, EVENTS_PER_PAGE)


def _count_limit(filters: EventFilters) -> int:
    return count_limit(filters.page, EVENTS_PER_PAGE, count_cap(filters.q))


def iter_events(run: SyncRun, filters: EventFilters) -> Iterator[tuple[SyncEvent, str | None]]:
    """Every matching event with its group's name, oldest first, read in batches."""
    last = 0
    while True:
        query = _events(run.id, filters).where(SyncEvent.id > last)
        batch = db.session.execute(query.order_by(SyncEvent.id).limit(EXPORT_BATCH)).all()
        yield from ((event, name) for event, name in batch)
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1][0].id


def _events(run_id: int, filters: EventFilters) -> Select:
    """The matching events with their group's names (for the CSV)."""
    query = select(SyncEvent, Group.name).outerjoin(Group, Group.id == SyncEvent.group_id)
    query = query.where(*_chosen(run_id, filters))
    return query.where(_text_matches(filters.q)) if filters.q else query


def _event_ids(run_id: int, filters: EventFilters, dense: bool | None = None) -> Select:
    """The ids of the matching events (for a page and its count). A search through the indexes
    finds the events each index finds. On PostgreSQL each finds them with the other filters
    (joined to the events by id, it would read all the run's events to reach a few); SQLite
    reads a group's events through their index only when asked for no more than that. A
    shorter search finds the start of emails and group names (`event_search`)."""
    chosen = _chosen(run_id, filters)
    if not filters.q:
        return select(SyncEvent.id).where(*chosen)
    if not indexed(filters.q):
        return short_ids(run_id, chosen, filters.q, dense)
    by_text = select(SyncEvent.id).where(*chosen, matches(EVENTS, filters.q))
    in_groups = SyncEvent.group_id.in_(_groups(filters.q))
    if not is_postgresql():
        by_group = select(SyncEvent.id).where(in_groups)
        return select(SyncEvent.id).where(*chosen, SyncEvent.id.in_(union(by_text, by_group)))
    found = union(by_text, select(SyncEvent.id).where(in_groups, *chosen)).subquery()
    return select(found.c.id)


def _chosen(run_id: int, filters: EventFilters) -> list:
    """The conditions of the run and of the filters other than the search."""
    chosen = [SyncEvent.run_id == run_id]
    if filters.action:
        chosen.append(SyncEvent.action == filters.action)
    if filters.outcome:
        chosen.append(SyncEvent.outcome == EventOutcome(filters.outcome))
    if filters.group:
        chosen.append(SyncEvent.group_id == filters.group)
    return chosen


def _groups(text: str) -> Select:
    return select(Group.id).where(matches(GROUPS, name_key(text)))


def _text_matches(text: str):
    """The event's email, reason or error, or its group's name, contains `text`: the events
    each index finds, together (an OR of the two would make PostgreSQL scan the events). A
    search too short for the indexes finds the start of emails and group names instead."""
    if not indexed(text):
        return short_matches(text)
    by_text = select(SyncEvent.id).where(matches(EVENTS, text))
    by_group = select(SyncEvent.id).where(SyncEvent.group_id.in_(_groups(text)))
    return SyncEvent.id.in_(union(by_text, by_group))


def run_groups(run: SyncRun, limit: int = GROUP_CHOICES) -> list[tuple[int, str]] | None:
    """The groups that have events in this run, by name, for the group filter; None when
    there are more than `limit` (a run of thousands of groups: search by name instead)."""
    in_run = select(SyncEvent.group_id).where(SyncEvent.run_id == run.id).distinct()
    rows = db.session.execute(
        select(Group.id, Group.name)
        .where(Group.id.in_(in_run.limit(limit + 1)))
        .order_by(Group.name_key, Group.id)
    ).all()
    if len(rows) > limit:
        return None
    return [(row.id, row.name) for row in rows]


def _with_items(page: Page, items: list) -> Page:
    return Page(items, page.total, page.number, page.per_page, page.exact)


def groups_waiting(run: SyncRun) -> int:
    """Groups whose plan in this run still waits for an admin's approval."""
    return db.session.scalar(
        select(func.count(distinct(SyncEvent.group_id))).where(
            SyncEvent.run_id == run.id,
            SyncEvent.outcome == EventOutcome.PENDING,
            SyncEvent.action.in_(AWAITING_APPROVAL),
        )
    )


def waiting_groups(run: SyncRun) -> list[tuple[int, str]]:
    """The groups (id, name) whose plan in this run still waits for an admin's approval."""
    if not run.groups_paused:
        return []
    waiting = select(SyncEvent.group_id).where(
        SyncEvent.run_id == run.id,
        SyncEvent.outcome == EventOutcome.PENDING,
        SyncEvent.action.in_(AWAITING_APPROVAL),
    )
    rows = db.session.execute(
        select(Group.id, Group.name).where(Group.id.in_(waiting)).order_by(Group.name)
    )
    return [(group_id, name) for group_id, name in rows]
