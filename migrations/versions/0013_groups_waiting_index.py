"""groups waiting for approval found by an index: the banner every page shows reads no table

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    # a plain CREATE INDEX: no batch copy of `groups`, which would drop SQLite's search triggers
    op.create_index('ix_groups_sync_state_name_id', 'groups', ['sync_state', 'name', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_groups_sync_state_name_id', table_name='groups')
