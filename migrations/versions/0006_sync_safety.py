"""sync safety: no grace period for the sync's own additions (sync_pushes goes), and a group
whose link was made, changed or removed pauses its next sync before any removal

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sync_pushes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_pushes_user_id'))

    op.drop_table('sync_pushes')

    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removals_need_approval', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('groups', schema=None) as batch_op:
        batch_op.drop_column('removals_need_approval')

    op.create_table('sync_pushes',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('pushed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_sync_pushes_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sync_pushes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'user_id', name=op.f('pk_sync_pushes'))
    )
    with op.batch_alter_table('sync_pushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_pushes_user_id'), ['user_id'], unique=False)
