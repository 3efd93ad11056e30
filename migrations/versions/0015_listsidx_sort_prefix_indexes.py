"""every list's sort, deep page and short search through an index: users by email and by
Thinkific ID (both ways, without one last) with their ids, and the start of names and emails

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:10:00

Sorts (`dashboard/users/queries.py`): every key and the id follow the sort's direction, so one
index walked either way holds each order, and holds the id: a deep page's ids are read from it
alone. `(email, id)` and `(thinkific_id, id)` on both engines (SQLite's indexes hold the id
anyway); users by Thinkific ID keep those without one last both ways, which PostgreSQL reads
from `(thinkific_id DESC NULLS LAST, id DESC)` (SQLite walks its unique index for either).

A search of one or two characters (too short for the trigram indexes) matches the names and
emails that start with it (`dashboard/search.py`, `starting`): a range of an index on each
key, compared by code point ignoring case: `lower(key) COLLATE "C"` on PostgreSQL, `key COLLATE
NOCASE` on SQLite. Teams' `name_key` is lowercase already: SQLite's unique index on it serves;
PostgreSQL needs one in "C" order. The models cannot declare these (`_start`, `_nulls_last`).

Only plain CREATE INDEX: a SQLite batch copy of `users` or `activities` would drop their search
triggers (0002, 0012).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

SORTS = {  # both engines (the models declare them)
    "ix_users_email_id": ("users", "email, id"),
    "ix_users_thinkific_id_id": ("users", "thinkific_id, id"),
}
POSTGRESQL_SORTS = {
    "ix_users_thinkific_id_desc_nulls_last": ("users", "thinkific_id DESC NULLS LAST, id DESC"),
}
STARTS = {  # name -> (table, the column whose start a short search matches)
    "ix_users_email_start": ("users", "email"),
    "ix_users_first_name_start": ("users", "first_name"),
    "ix_users_last_name_start": ("users", "last_name"),
    "ix_activities_object_name_start": ("activities", "object_name"),
    "ix_activities_related_name_start": ("activities", "related_name"),
    "ix_activities_actor_email_start": ("activities", "actor_email"),
}
POSTGRESQL_STARTS = {"ix_teams_name_key_start": ("teams", "name_key")}  # lowercase already


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    sorts = {**SORTS, **POSTGRESQL_SORTS} if postgresql else SORTS
    for name, (table, columns) in sorts.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    if postgresql:
        for name, (table, column) in STARTS.items():
            op.execute(f'CREATE INDEX {name} ON {table} ((lower({column})) COLLATE "C")')
        for name, (table, column) in POSTGRESQL_STARTS.items():
            op.execute(f'CREATE INDEX {name} ON {table} ({column} COLLATE "C")')
    else:
        for name, (table, column) in STARTS.items():
            op.execute(f"CREATE INDEX {name} ON {table} ({column} COLLATE NOCASE)")


def downgrade():
    for name in [*SORTS, *POSTGRESQL_SORTS, *STARTS, *POSTGRESQL_STARTS]:
        op.execute(f"DROP INDEX IF EXISTS {name}")
