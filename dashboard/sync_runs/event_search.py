"""A run's events found by a search of one or two characters, through indexes on both engines.

Trigrams cannot find so short a search (`dashboard.search`). As on Users, Teams and Activity,
it finds the events whose member's email or group's name *starts* with it, ignoring case: a
range of the run's `(run_id, email)` index and of the groups' `name_key` (migration 0016).

A letter most emails start with would put most of the run in those ranges, to be sorted for a
page; a rare pair would leave a walk of the run in order reading all of it for a page. So the
ranges are first counted, each up to DENSE rows of the run (along with the run itself): below
that the page is read from them (a sort of at most that many ids), past it from the run's
order, which fills a page soon.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, literal, or_, select, union

from ..extensions import db
from ..models import Group, SyncEvent, name_key
from ..search import DENSE, EVENTS, GROUP_NAMES, after, fold, starting


def short_ids(run_id: int, chosen: list, text: str, dense: bool | None = None) -> Select:
    """The ids of the run's events meeting `chosen` (the run and the other filters) whose
    member's email or group's name starts with `text` (one or two characters): read in the
    run's order when the ranges are `dense` (`is_dense` of `range_counts`, asked along with
    the run; asked here when not known), else from the ranges."""
    by_email, in_groups = _email_starts(text), _group_starts(text)
    if dense is None:
        dense = is_dense(db.session.execute(select(*range_counts(run_id, text))).one())
    if dense:
        walked = _email_starts(text, walk=True)
        return select(SyncEvent.id).where(*chosen, or_(walked, in_groups))
    found = union(
        select(SyncEvent.id).where(*chosen, by_email),
        select(SyncEvent.id).where(*chosen, in_groups),
    ).subquery()
    return select(found.c.id)


def short_matches(text: str) -> ColumnElement[bool]:
    """The same search as a condition on the events (the CSV, read in batches by id)."""
    return or_(_email_starts(text, walk=True), _group_starts(text))


def _email_starts(text: str, *, walk: bool = False) -> ColumnElement[bool]:
    low = fold(text)
    return starting(EVENTS, low, after(low), walk=walk)


def _group_starts(text: str) -> ColumnElement[bool]:
    """The event's group's name starts with `text` (its key: lowercase, spaces collapsed)."""
    low = fold(name_key(text))
    if not low:
        return literal(False)
    groups = select(Group.id).where(starting(GROUP_NAMES, low, after(low)))
    return SyncEvent.group_id.in_(groups)


def range_counts(run_id: int, text: str) -> list[ScalarSelect]:
    """The run's events in each range of a short search, counted up to DENSE: columns to read
    with the run (`queries.run_row`), so that a page costs no statement more."""
    return [
        select(func.count())
        .select_from(
            select(literal(1))
            .select_from(SyncEvent)
            .where(SyncEvent.run_id == run_id, where)
            .limit(DENSE)
            .subquery()
        )
        .scalar_subquery()
        for where in (_email_starts(text), _group_starts(text))
    ]


def is_dense(counts: Sequence[int]) -> bool:
    """Whether the ranges `range_counts` counted hold DENSE events or more."""
    return sum(counts) >= DENSE
