"""How the sync says things: direction names, where a member came from, dates in reasons."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from ..models import Direction, MemberSource
from ..plurals import count as count  # one way of counting in words, used across the sync

DIRECTION_LABELS = {
    Direction.DISABLED: "Disabled",
    Direction.BIDIRECTIONAL: "Bidirectional",
    Direction.DASHBOARD_TO_THINKIFIC: "Dashboard → Thinkific",
    Direction.THINKIFIC_TO_DASHBOARD: "Thinkific → Dashboard",
}

ADDED_BY_SOURCE = {
    MemberSource.DASHBOARD: "added in the dashboard",
    MemberSource.THINKIFIC: "pulled from Thinkific",
    MemberSource.CSV: "imported from a CSV file",
    MemberSource.SEED: "added by the demo seed",
}


def when(moment: datetime | None) -> str:
    """A moment in reasons: minute precision, UTC, or 'at an unknown time'."""
    return f"on {moment:%Y-%m-%d %H:%M} UTC" if moment else "at an unknown time"


def links_phrase(links: Iterable[tuple[str, Direction]]) -> str:
    """'link Acme (Bidirectional)' or 'links Acme (Bidirectional), Beta (Disabled)'."""
    named = [f"{team} ({DIRECTION_LABELS[direction]})" for team, direction in links]
    if not named:
        return "no link"
    return ("link " if len(named) == 1 else "links ") + ", ".join(named)
