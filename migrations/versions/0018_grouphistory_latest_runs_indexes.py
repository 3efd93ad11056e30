"""a group's latest runs, read by index whatever the history

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 06:10:00

A group's page shows its latest runs: its own, those that synced it, and those that left an
event about it. Asked as one `OR` ordered by id, both databases read every run backward until
five matched: for a group no recent run touched, the whole history (13 ms at 52,000 runs, a
year of syncs every ten minutes). Each source is now read newest first through an index of its
own, five at most, which needs the group's runs, run links and events ordered by run: these
indexes lead with the group as the ones they replace did, so they serve those reads too.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

REPLACED = [  # (table, new index, its columns, the index it replaces, that one's columns)
    (
        "sync_runs",
        "ix_sync_runs_group_id_id",
        ["group_id", "id"],
        "ix_sync_runs_group_id",
        ["group_id"],
    ),
    (
        "sync_run_groups",
        "ix_sync_run_groups_group_id_run_id",
        ["group_id", "run_id"],
        "ix_sync_run_groups_group_id",
        ["group_id"],
    ),
    (
        "sync_events",
        "ix_sync_events_group_id_run_id_id",
        ["group_id", "run_id", "id"],
        "ix_sync_events_group_id_id",
        ["group_id", "id"],
    ),
]


def upgrade():
    for table, new, columns, old, _ in REPLACED:
        op.create_index(new, table, columns)
        op.drop_index(old, table_name=table)


def downgrade():
    for table, new, _, old, columns in REPLACED:
        op.create_index(old, table, columns)
        op.drop_index(new, table_name=table)
