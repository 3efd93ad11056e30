"""Query-string parsing and pagination shared by the group screens' tables.

Bad query strings never fail a page: each bad value falls back to a safe default and leaves a
notice in words for the page to show.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

SEARCH_MAX = 100
NOTICE_ECHO = 40

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a table: its rows, the total count and where it sits."""

    items: Sequence[T]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.size)

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.size)

    def links(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the ends and a window around this page; None is a gap."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.pages)
        links: list[int | None] = []
        for previous, number in zip([0, *numbers], numbers, strict=False):
            if number - previous > 1:
                links.append(None)
            links.append(number)
        return links


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


def offset(number: int, size: int) -> int:
    return (number - 1) * size


def clamp_page(number: int, total: int, size: int, notices: list[str]) -> int:
    """The page to show when `number` may lie past the end."""
    last = page_count(total, size)
    if number <= last:
        return number
    notices.append(f"There is no page {number}; showing the last page, {last}.")
    return last


def parse_page(raw: str | None, notices: list[str]) -> int:
    if raw is None or raw == "":
        return 1
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 10**9:
        return int(raw)
    notices.append(f"“{echo(raw)}” is not a page number; showing page 1.")
    return 1


def parse_search(raw: str | None, notices: list[str]) -> str:
    """The search text without control characters, collapsed and at most SEARCH_MAX long."""
    text = " ".join(strip_controls(raw or "").split())
    if len(text) > SEARCH_MAX:
        notices.append(f"The search was cut to its first {SEARCH_MAX} characters.")
        text = text[:SEARCH_MAX].rstrip()
    return text


# Embeddings, overrides and isolates: they can make a name display as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def strip_controls(text: str) -> str:
    """`text` without control characters (whitespace kept) and text-direction controls."""
    return "".join(ch for ch in text if _visible(ch))


def _visible(ch: str) -> bool:
    if ch in BIDI_CONTROLS:
        return False
    return ch.isspace() or unicodedata.category(ch) != "Cc"


def echo(raw: str) -> str:
    """A user's value, made safe to repeat in a notice (the template escapes it too)."""
    text = strip_controls(raw)
    return text if len(text) <= NOTICE_ECHO else text[: NOTICE_ECHO - 1] + "…"


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere (with `\\` as the escape character)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
