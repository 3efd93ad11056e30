"""a run's events found by the start of their member's email or their group's name

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 00:20:00

A search of one or two characters on a run's events (`dashboard/sync_runs/event_search.py`)
matches the events whose member's email or group's name starts with it, ignoring case, as
Users, Teams and Activity do (0015): a range of `(run_id, email)` compared by code point
ignoring case (`lower(email) COLLATE "C"` on PostgreSQL, `email COLLATE NOCASE` on SQLite), and
of the groups' `name_key` (lowercase already: SQLite's unique index on it serves; PostgreSQL
needs one in "C" order).

Only plain CREATE INDEX, as in 0015.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

EVENTS = "ix_sync_events_run_id_email_start"
GROUPS = "ix_groups_name_key_start"  # PostgreSQL only


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'CREATE INDEX {EVENTS} ON sync_events (run_id, (lower(email)) COLLATE "C")')
        op.execute(f'CREATE INDEX {GROUPS} ON groups (name_key COLLATE "C")')
    else:
        op.execute(f"CREATE INDEX {EVENTS} ON sync_events (run_id, email COLLATE NOCASE)")


def downgrade():
    for name in (EVENTS, GROUPS):
        op.execute(f"DROP INDEX IF EXISTS {name}")
