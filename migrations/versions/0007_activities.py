"""activities: the audit trail (who did what, when, from where, before → after)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('actor_email', sa.String(length=254), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('object_type', sa.String(length=20), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('object_name', sa.String(length=255), nullable=False),
    sa.Column('related_type', sa.String(length=20), nullable=True),
    sa.Column('related_id', sa.Integer(), nullable=True),
    sa.Column('related_name', sa.String(length=255), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_activities_account_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_at', ['at'], unique=False)
        batch_op.create_index('ix_activities_kind_id', ['kind', 'id'], unique=False)
        batch_op.create_index('ix_activities_actor_email_id', ['actor_email', 'id'], unique=False)
        batch_op.create_index('ix_activities_object', ['object_type', 'object_id', 'id'], unique=False)
        batch_op.create_index('ix_activities_related', ['related_type', 'related_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_related')
        batch_op.drop_index('ix_activities_object')
        batch_op.drop_index('ix_activities_actor_email_id')
        batch_op.drop_index('ix_activities_kind_id')
        batch_op.drop_index('ix_activities_at')

    op.drop_table('activities')
