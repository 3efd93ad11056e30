"""A run's events as CSV: streamed row by row, safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) would be read as a
formula by Excel, LibreOffice or Google Sheets; it is written with a leading apostrophe, which
those programs show as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from ..models import SyncEvent, SyncRun
from .queries import EventFilters, iter_events
from .words import OUTCOMES, action_words

HEADER = ("time_utc", "group", "member", "action", "outcome", "reason", "error")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def filename(run: SyncRun, filters: EventFilters) -> str:
    """An ASCII name that says what is inside: the run, and that it is filtered."""
    return f"sync-run-{run.id}-events{'-filtered' if filters.active else ''}.csv"


def csv_lines(run: SyncRun, filters: EventFilters) -> Iterator[str]:
    yield csv_line(HEADER)
    for event, group_name in iter_events(run, filters):
        yield csv_line(safe_cell(value) for value in _cells(event, group_name))


def _cells(event: SyncEvent, group_name: str | None) -> tuple[object, ...]:
    return (
        f"{event.created_at:%Y-%m-%d %H:%M:%S}",
        group_name or "",
        event.email,
        action_words(event.action),
        OUTCOMES.get(event.outcome, event.outcome),
        event.reason,
        event.error or "",
    )


def csv_line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
