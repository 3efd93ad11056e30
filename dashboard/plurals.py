"""Counting things in words: "1 manual action", "3 manual actions" (never a bracketed plural)."""

from __future__ import annotations

IRREGULAR = {"person": "people"}


def plural(noun: str) -> str:
    """`noun` for several: the last word takes the plural ("manual action" → "manual actions")."""
    head, _, last = noun.rpartition(" ")
    many = IRREGULAR.get(last) or (
        last + "es" if last.endswith(("s", "sh", "ch", "x")) else last + "s"
    )
    return f"{head} {many}" if head else many


def count(number: int, noun: str, many: str | None = None) -> str:
    """`number` and `noun`, singular for exactly one ("1 group", "0 groups", "1,250 groups")."""
    return f"{number:,} {noun if number == 1 else (many or plural(noun))}"
