"""Find users by any part of their email or name, through an index on either engine.

The searched text is `email first_name last_name` (`dashboard.search.USERS`): a trigram index on
PostgreSQL, the FTS5 table `users_trgm` on SQLite (migration 0002).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from ..search import USERS, finds, matches


def user_matches(q: str) -> ColumnElement[bool]:
    """A condition on `users` true for the users whose email or name contains `q`."""
    return matches(USERS, q)


def user_finds(q: str) -> ColumnElement[bool]:
    """The Users list's search: `user_matches` from three characters; a shorter `q` finds the
    users whose email, first name or last name starts with it (`dashboard.search.finds`)."""
    return finds(USERS, q)
