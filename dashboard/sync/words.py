"""How the sync says things: direction names, where a member came from, dates in reasons."""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Direction, MemberSource
from ..plurals import count as count  # one way of counting in words, used across the sync
from ..text import when as when  # a moment in reasons, said the same by both engines

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


def links_phrase(links: Iterable[tuple[str, Direction]]) -> str:
    """'link Acme (Bidirectional)' or 'links Acme (Bidirectional), Beta (Disabled)'."""
    named = [f"{team} ({DIRECTION_LABELS[direction]})" for team, direction in links]
    if not named:
        return "no link"
    return ("link " if len(named) == 1 else "links ") + ", ".join(named)
