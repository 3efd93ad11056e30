"""a group's members in the order they joined, read by index whatever the group's size

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:20:00

A group's page lists its members newest first, 25 at a time; a team's page gives its seats to
the users who joined first. Both read a group's members in the order they were added: without
an index of that order, both databases read and sorted every member of the group for each
page (a group of 20,000, one whole school's learners: 8–11 ms on PostgreSQL, for 25 rows).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

INDEX, TABLE, COLUMNS = (
    "ix_memberships_group_id_added_at_id",
    "memberships",
    ["group_id", "added_at", "id"],
)


def upgrade():
    op.create_index(INDEX, TABLE, COLUMNS)


def downgrade():
    op.drop_index(INDEX, table_name=TABLE)
