"""Every list's search, through an index on both databases from three characters on.

A list searches one text per row (`Searched`): a group's or team's name key; a user's
`email first_name last_name`; an event's `email reason error`; an activity record's
`object_name related_name actor_email`. The migrations index that text (0002, 0010):

- PostgreSQL: a `pg_trgm` GIN index on the same expression, which ILIKE uses.
- SQLite: an FTS5 table with the trigram tokenizer (`<table>_trgm`) kept by triggers, where a
  quoted phrase matches any substring of three or more characters, ignoring case.

Searches of three characters or more match anywhere in the text, ignoring case, through that
index. Trigrams cannot find a shorter search (one or two characters). A list whose `Searched`
names `starts` (users, teams, activity records) finds it through B-tree indexes instead
(`finds`): the names and emails that start with it, ignoring case (migration 0015; on SQLite
only ASCII letters fold), as its search box says. A run's events do the same with their
member's email and their group's name (`EVENTS`, `GROUP_NAMES`, 0016), within the run
(`dashboard/sync_runs/event_search.py`). Elsewhere (`matches`) a short search keeps the
meaning of a long one (anywhere) but is answered by reading the rows in the list's order until
a page is filled. Either is counted only past the page ("of 51+"): a letter matches most rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Integer,
    Text,
    and_,
    collate,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)

from .database import is_postgresql
from .extensions import db

TRIGRAM = 3
DENSE = 2000  # rows a short search's ranges hold past which SQLite reads the list's order
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class Searched:
    """What a list searches: the text of each row and the indexes that find it."""

    table: str
    text: str  # the SQL expression of the searched text, as its indexes were made on
    key: str = "id"  # the column the FTS5 table's rowid copies
    # the columns whose start a short search matches, each indexed (migration 0015)
    starts: tuple[str, ...] = ()
    folded: bool = False  # the `starts` columns hold lowercase text already (a name key)

    @property
    def fts(self) -> str:
        return f"{self.table}_trgm"


GROUPS = Searched("groups", "groups.name_key")
TEAMS = Searched("teams", "teams.name_key", starts=("teams.name_key",), folded=True)
USERS = Searched(
    "users",
    "users.email || ' ' || users.first_name || ' ' || users.last_name",
    starts=("users.email", "users.first_name", "users.last_name"),
)
EVENTS = Searched(
    "sync_events",
    "sync_events.email || ' ' || sync_events.reason || ' ' || coalesce(sync_events.error, '')",
    starts=("sync_events.email",),  # within a run: indexed after `run_id` (migration 0016)
)
# the start of a group's name, for a run's events (the Groups list searches anywhere: GROUPS)
GROUP_NAMES = Searched("groups", "groups.name_key", starts=("groups.name_key",), folded=True)
ACTIVITIES = Searched(
    "activities",
    "activities.object_name || ' ' || activities.related_name || ' ' || activities.actor_email",
    starts=("activities.object_name", "activities.related_name", "activities.actor_email"),
)


def indexed(text: str) -> bool:
    """Whether a search for `text` goes through the index (three characters or more)."""
    return len(text) >= TRIGRAM


def count_cap(text: str) -> int | None:
    """How far a list counts the matches of a search (`listing.paginate`'s `cap`): as usual,
    or, for a search too short for the index, only past the page asked for ("of 51+"): each
    row counted beyond it would be a row read."""
    return None if not text or indexed(text) else 0


def finds(searched: Searched, text: str) -> ColumnElement[bool]:
    """A list's search on `searched.table`, always through an index: from three characters on,
    the rows whose text contains `text` (`matches`); shorter, for a list with `starts` keys,
    the rows one of whose keys starts with it, ignoring case (`starting`), counted only past
    the page as any short search (`count_cap`).

    PostgreSQL's statistics of the `starts` indexes tell it whether to read the few rows their
    ranges hold, or to read the list's order until a page is found (a letter most rows start
    with). SQLite keeps no such statistics and would read every row in the ranges: so it is
    asked first how many they hold, up to DENSE; past that, the ranges are written so that it
    reads the list's order instead."""
    if indexed(text) or not searched.starts:
        return matches(searched, text)
    low, high = fold(text), after(fold(text))
    walk = not is_postgresql() and _dense(searched, low, high)
    return starting(searched, low, high, walk=walk)


def starting(
    searched: Searched, low: str, high: str | None, *, walk: bool = False
) -> ColumnElement[bool]:
    """One of the row's `starts` keys starts with `low` (folded, `fold`), ignoring case: a
    range of each key's B-tree index (`low <= key < high`, compared by code point: `lower(key)`
    in "C" order on PostgreSQL, `key` in SQLite's NOCASE order), the bounds written into the
    SQL as the trigram search's pattern is; `walk`: so that SQLite uses no index for it."""
    return or_(*(_within(_start_key(searched, key, walk), low, high) for key in searched.starts))


def _start_key(searched: Searched, key: str, walk: bool = False) -> ColumnElement:
    """A `starts` key as its index holds it; `walk`: as no index holds it (SQLite)."""
    if is_postgresql():
        return collate(literal_column(key if searched.folded else f"lower({key})"), "C")
    expression = literal_column(f"+{key}" if walk else key)
    return expression if searched.folded else collate(expression, "NOCASE")


def _within(key: ColumnElement, low: str, high: str | None) -> ColumnElement[bool]:
    bounds = [key >= literal(low, literal_execute=True)]
    if high is not None:
        bounds.append(key < literal(high, literal_execute=True))
    return and_(*bounds)


def _dense(searched: Searched, low: str, high: str | None) -> bool:
    """Whether the ranges of a short search hold DENSE rows or more (each counted up to it)."""
    counts = [
        select(func.count())
        .select_from(
            select(literal(1))
            .select_from(table(searched.table))
            .where(_within(_start_key(searched, key), low, high))
            .limit(DENSE)
            .subquery()
        )
        .scalar_subquery()
        for key in searched.starts
    ]
    return sum(db.session.execute(select(*counts)).one()) >= DENSE


def fold(text: str) -> str:
    """`text` in lowercase as the database lowers a key: every letter on PostgreSQL, ASCII
    letters only on SQLite (whose lower() folds no other)."""
    if is_postgresql():
        return text.lower()
    return "".join(char.lower() if char.isascii() else char for char in text)


def after(prefix: str) -> str | None:
    """The first text past every text that starts with `prefix` (its last character one code
    point up), or None when there is none."""
    code = ord(prefix[-1]) + 1
    if 0xD800 <= code < 0xE000:  # surrogates are no characters: the next one follows them
        code = 0xE000
    if code > 0x10FFFF:
        return None
    return prefix[:-1] + chr(code)


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
