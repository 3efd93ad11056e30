"""a run's events by group, for the count a short search's groups take

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 03:10:00

A search of one or two characters on a run's events first counts, up to a bound, the run's
events in the groups whose name starts with it (`dashboard/sync_runs/event_search.py`). Without
an index on `(run_id, group_id)`, PostgreSQL read that count by looking up each event's group
(~5 ms on a 100,000-event run for a prefix most groups share); with it, a merge of two index
scans (~0.6 ms). The index leads with `run_id`, so it replaces the one on `run_id` alone.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

NEW, OLD = "ix_sync_events_run_id_group_id", "ix_sync_events_run_id"


def upgrade():
    op.create_index(NEW, "sync_events", ["run_id", "group_id"])
    op.drop_index(OLD, table_name="sync_events")


def downgrade():
    op.create_index(OLD, "sync_events", ["run_id"])
    op.drop_index(NEW, table_name="sync_events")
