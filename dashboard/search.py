"""Every list's search, through an index on both databases from three characters on.

A list searches one text per row (`Searched`): a group's or team's name key; a user's
`email first_name last_name`; an event's `email reason error`; an activity record's
`object_name related_name actor_email`. The migrations index that text (0002, 0010):

- PostgreSQL: a `pg_trgm` GIN index on the same expression, which ILIKE uses.
- SQLite: an FTS5 table with the trigram tokenizer (`<table>_trgm`) kept by triggers, where a
  quoted phrase matches any substring of three or more characters, ignoring case.

Searches of three characters or more match anywhere in the text, ignoring case, through that
index. Trigrams cannot find a shorter search (one or two characters): it keeps the same meaning
(anywhere, ignoring case; on SQLite only ASCII letters fold) but is answered by reading the rows
in the list's order until a page is filled, and counted only past that page ("of 51+"). A short
search matches most rows, so that stops early; a rare one reads the list's rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, Text, column, literal, literal_column, select, table

from .database import is_postgresql

TRIGRAM = 3
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class Searched:
    """What a list searches: the text of each row and the indexes that find it."""

    table: str
    text: str  # the SQL expression of the searched text, as its indexes were made on
    key: str = "id"  # the column the FTS5 table's rowid copies

    @property
    def fts(self) -> str:
        return f"{self.table}_trgm"


GROUPS = Searched("groups", "groups.name_key")
TEAMS = Searched("teams", "teams.name_key")
USERS = Searched("users", "users.email || ' ' || users.first_name || ' ' || users.last_name")
EVENTS = Searched(
    "sync_events",
    "sync_events.email || ' ' || sync_events.reason || ' ' || coalesce(sync_events.error, '')",
)
ACTIVITIES = Searched(
    "activities",
    "activities.object_name || ' ' || activities.related_name || ' ' || activities.actor_email",
)


def indexed(text: str) -> bool:
    """Whether a search for `text` goes through the index (three characters or more)."""
    return len(text) >= TRIGRAM


def count_cap(text: str) -> int | None:
    """How far a list counts the matches of a search (`listing.paginate`'s `cap`): as usual,
    or, for a search too short for the index, only past the page asked for ("of 51+"): each
    row counted beyond it would be a row read."""
    return None if not text or indexed(text) else 0


def matches(searched: Searched, text: str) -> ColumnElement[bool]:
    """A condition on `searched.table`: its text contains `text`, ignoring case (through the
    table's search index from three characters on)."""
    if not indexed(text):
        return _like(searched, text, index=False)
    if is_postgresql():
        return _like(searched, text, index=True)
    fts = table(searched.fts, column("rowid", Integer), column(searched.fts, Text))
    found = select(fts.c.rowid).where(literal_column(searched.fts).match(_phrase(text)))
    return literal_column(f"{searched.table}.{searched.key}").in_(found)


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards taken literally."""
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return f"%{text}%"


def _like(searched: Searched, text: str, *, index: bool) -> ColumnElement[bool]:
    """ILIKE (SQLite's LIKE ignores ASCII case) on the searched text.

    The pattern is written into the SQL as a quoted literal rather than sent as a parameter:
    psycopg prepares a statement run five times, and the generic plan of a prepared `ILIKE $1`
    cannot know the pattern, so it would scan the table instead of the trigram index. Without
    `index` (a short search) the expression is written so that PostgreSQL cannot match it to the
    trigram index, which would read all of it: it reads the rows in the list's order instead."""
    expression = literal_column(searched.text if index else f"({searched.text}) || ''")
    return expression.ilike(literal(like_pattern(text), literal_execute=True), escape=LIKE_ESCAPE)


def _phrase(text: str) -> str:
    """An FTS5 string: the trigram tokenizer matches it as a substring, in order."""
    return '"' + text.replace('"', '""') + '"'
