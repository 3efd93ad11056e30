"""runs count groups failed and paused; every group a run synced is recorded

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('groups_failed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('groups_paused', sa.Integer(), server_default='0', nullable=False))

    op.create_table('sync_run_groups',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_sync_run_groups_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['sync_runs.id'], name=op.f('fk_sync_run_groups_run_id_sync_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('run_id', 'group_id', name=op.f('pk_sync_run_groups'))
    )
    with op.batch_alter_table('sync_run_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_run_groups_group_id'), ['group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sync_run_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_run_groups_group_id'))

    op.drop_table('sync_run_groups')
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_column('groups_paused')
        batch_op.drop_column('groups_failed')
