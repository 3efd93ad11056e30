"""groups waiting for approval found by an index: the banner every page shows reads no table

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.create_index('ix_groups_sync_state_name_id', ['sync_state', 'name', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_index('ix_groups_sync_state_name_id')
