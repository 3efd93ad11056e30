"""A record in words: its changes as `field: before → after` lines, the same on the screen and
in the CSV."""

from __future__ import annotations

from typing import Any

from ..models import Activity

ARROW = " → "


def changes(activity: Activity) -> list[str]:
    """One line per field: `name: Old → New`, or just the value when only one side exists."""
    before, after = activity.before or {}, activity.after or {}
    lines = []
    for key in [*before, *(key for key in after if key not in before)]:
        label = key.replace("_", " ")
        if key in before and key in after:
            lines.append(f"{label}: {show(before[key])}{ARROW}{show(after[key])}")
        else:
            lines.append(f"{label}: {show(before.get(key, after.get(key)))}")
    return lines


def show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def who(activity: Activity) -> str:
    return activity.actor_email or "system"
