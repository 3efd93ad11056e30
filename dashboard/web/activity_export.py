"""The filtered Activity list as CSV: streamed row by row, safe to open in a spreadsheet (every
cell goes through the same formula guard as the sync events' export)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from ..activity.kinds import kind_words
from ..activity.queries import ActivityFilters, iter_activities
from ..activity.words import changes, who
from ..models import Activity
from ..sync_runs.export import safe_cell

HEADER = ("time_utc", "who", "ip", "kind", "object_type", "object_id", "object", "also", "changes")


def filename(filters: ActivityFilters) -> str:
    return f"activity{'-filtered' if filters.active else ''}.csv"


def csv_lines(filters: ActivityFilters) -> Iterator[str]:
    yield _line(HEADER)
    for activity in iter_activities(filters):
        yield _line(safe_cell(value) for value in _cells(activity))


def _cells(activity: Activity) -> tuple[object, ...]:
    also = f"{activity.related_type} {activity.related_name}" if activity.related_type else ""
    return (
        f"{activity.at:%Y-%m-%d %H:%M:%S}",
        who(activity),
        activity.ip,
        kind_words(activity.kind),
        activity.object_type or "",
        activity.object_id if activity.object_id is not None else "",
        activity.object_name,
        also,
        "; ".join(changes(activity)),
    )


def _line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()
