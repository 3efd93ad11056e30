"""a version of the groups' listed data, bumped by every commit that changes it: the Groups
table's rows are cached by it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 06:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "data_versions",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(table, [{"name": "groups", "value": 1}])


def downgrade():
    op.drop_table("data_versions")
