"""Find users by any part of their email or name, through an index on either engine.

The searched text is `email first_name last_name`. Migration 0002 indexes it: on PostgreSQL a
trigram index on that expression (used by ILIKE), on SQLite the FTS5 table `users_trgm` with
the trigram tokenizer, kept by triggers, where a quoted phrase matches any substring of three or
more characters. Shorter searches on SQLite fall back to LIKE, which scans.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Integer, Text, column, literal_column, select, table

from ..database import is_postgresql
from ..listing import contains
from ..models import User

SEARCH_TEXT = literal_column("users.email || ' ' || users.first_name || ' ' || users.last_name")
users_trgm = table("users_trgm", column("rowid", Integer), column("text", Text))
TRIGRAM = 3


def user_matches(q: str) -> ColumnElement[bool]:
    """A condition on `users` true for the users whose email or name contains `q`."""
    if is_postgresql():
        return contains(SEARCH_TEXT, q, ignore_case=True)
    if len(q) < TRIGRAM:
        return contains(SEARCH_TEXT, q)
    phrase = '"' + q.replace('"', '""') + '"'  # an FTS5 string: any substring, in order
    found = select(users_trgm.c.rowid).where(users_trgm.c.text.match(phrase))
    return User.id.in_(found)
