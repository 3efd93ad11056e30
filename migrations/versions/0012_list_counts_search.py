"""list counts and search: stored groups per user and users per team; every list's search indexed

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:45:00

Indexes for a run's events filtered by outcome or action, and for the access endings and plans
waiting for an admin (a banner on the Teams list asks on every request).

`users.groups_count` and `teams.users_count` (distinct members of the team's groups) are
stored, backfilled here and kept by the code that writes memberships and links
(`dashboard/counts.py`), so that sorting a list by them reads an index, not every
membership.

Search (`dashboard/search.py`): on PostgreSQL a trigram index on the searched text of events
and activity records (groups, teams and users have theirs since 0001/0002); on SQLite FTS5
tables with the trigram tokenizer for groups, teams, events and activity records, kept by
triggers. Careful with later migrations: a SQLite batch operation that recreates one of these
tables drops its triggers; such a migration must call ``create_sqlite_search()`` again (the
search tests on the migrated schema fail if it does not).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# table -> the searched text of a row `{row}`, as dashboard/search.py writes it
SEARCHED = {
    "groups": "{row}.name_key",
    "teams": "{row}.name_key",
    "sync_events": "{row}.email || ' ' || {row}.reason || ' ' || coalesce({row}.error, '')",
    "activities": ("{row}.object_name || ' ' || {row}.related_name || ' ' || {row}.actor_email"),
}
POSTGRESQL_NEW = ("sync_events", "activities")  # the others have a trigram index already
# what changes a row's searched text (an UPDATE of anything else leaves the index alone)
UPDATED = {
    "groups": "name_key",
    "teams": "name_key",
    "sync_events": "email, reason, error",
    "activities": "object_name, related_name, actor_email",
}

EVENT_INDEXES = {  # a run's events by outcome or action; endings and plans waiting for an admin
    "ix_sync_events_run_id_outcome_id": ["run_id", "outcome", "id"],
    "ix_sync_events_run_id_action_id": ["run_id", "action", "id"],
    "ix_sync_events_outcome_action_run_id": ["outcome", "action", "run_id"],
}

RECOUNT_USERS = (
    "UPDATE users SET groups_count ="
    " (SELECT count(*) FROM memberships m WHERE m.user_id = users.id)"
)
RECOUNT_TEAMS = (
    "UPDATE teams SET users_count = (SELECT count(DISTINCT m.user_id) FROM memberships m"
    " JOIN assignments a ON a.group_id = m.group_id WHERE a.team_id = teams.id)"
)


def upgrade():
    # plain ADD COLUMN (no batch): recreating `users` on SQLite would drop its search triggers
    op.add_column(
        "users", sa.Column("groups_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column(
        "teams", sa.Column("users_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute(RECOUNT_USERS)
    op.execute(RECOUNT_TEAMS)
    op.create_index("ix_users_groups_count_id", "users", ["groups_count", "id"], unique=False)
    op.create_index("ix_teams_users_count_id", "teams", ["users_count", "id"], unique=False)
    for name, columns in EVENT_INDEXES.items():
        op.create_index(name, "sync_events", columns, unique=False)
    if op.get_bind().dialect.name == "postgresql":
        create_postgresql_search()
    else:
        create_sqlite_search()


def create_postgresql_search():
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in POSTGRESQL_NEW:
        text = SEARCHED[table].format(row=table)
        op.execute(
            f"CREATE INDEX ix_{table}_search_trgm ON {table} USING gin (({text}) gin_trgm_ops)"
        )


def create_sqlite_search():
    for table, searched in SEARCHED.items():
        fts, new, old = f"{table}_trgm", searched.format(row="new"), searched.format(row="old")
        op.execute(f"DROP TABLE IF EXISTS {fts}")
        # contentless: the text lives in `table`; a delete names the text it removes
        op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(text, content='', tokenize='trigram')")
        op.execute(
            f"INSERT INTO {fts} (rowid, text) SELECT id, {searched.format(row=table)} FROM {table}"
        )
        remove = f"INSERT INTO {fts} ({fts}, rowid, text) VALUES ('delete', old.id, {old});"
        add = f"INSERT INTO {fts} (rowid, text) VALUES (new.id, {new});"
        op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END")
        op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END")
        op.execute(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {UPDATED[table]} ON {table} "
            f"BEGIN {remove} {add} END"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in POSTGRESQL_NEW:
            op.execute(f"DROP INDEX IF EXISTS ix_{table}_search_trgm")
    else:
        for table in SEARCHED:
            for trigger in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_trgm_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {table}_trgm")
    for name in EVENT_INDEXES:
        op.drop_index(name, table_name="sync_events")
    op.drop_index("ix_teams_users_count_id", table_name="teams")
    op.drop_index("ix_users_groups_count_id", table_name="users")
    op.drop_column("teams", "users_count")
    op.drop_column("users", "groups_count")
