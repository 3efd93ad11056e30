"""Text that people type (what is invisible in it, how to repeat it back safely), and moments
said in words."""

from __future__ import annotations

import unicodedata
from datetime import datetime

# Embeddings, overrides and isolates: they can make a name display as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ECHO_MAX = 40


def strip_controls(text: str) -> str:
    """`text` without control characters (whitespace kept) and text-direction controls."""
    return "".join(ch for ch in text if _visible(ch))


def _visible(ch: str) -> bool:
    if ch in BIDI_CONTROLS:
        return False
    return ch.isspace() or unicodedata.category(ch) != "Cc"


def echo(raw: str) -> str:
    """A user's value, made safe and short to repeat in a message (templates escape it too)."""
    text = strip_controls(raw)
    return text if len(text) <= ECHO_MAX else text[: ECHO_MAX - 1] + "…"


def when(moment: datetime | None) -> str:
    """A moment in reasons: minute precision, UTC, or 'at an unknown time'."""
    return f"on {moment:%Y-%m-%d %H:%M} UTC" if moment else "at an unknown time"


def stamp(value: datetime | None) -> str:
    """A moment as a compact token (microseconds), to tell later whether a row changed."""
    return "0" if value is None else f"{value.timestamp():.6f}"
