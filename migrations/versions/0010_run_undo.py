"""a run can undo another run; access events keep the expiry they changed

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:20:00

"""
from alembic import op
import sqlalchemy as sa

import dashboard.models.types


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undo_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sync_runs_undo_of_id'), ['undo_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sync_runs_undo_of_id_sync_runs'), 'sync_runs', ['undo_of_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('sync_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_before', dashboard.models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('sync_events', schema=None) as batch_op:
        batch_op.drop_column('expires_before')

    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sync_runs_undo_of_id_sync_runs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sync_runs_undo_of_id'))
        batch_op.drop_column('undo_of_id')
