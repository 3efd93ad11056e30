"""user search: a name index, and substring search over email and names on both engines

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 13:46:24.230193

Users are searched as you type by email or name (``email first_name last_name``, any substring,
case-insensitive). On PostgreSQL a trigram index covers that expression; on SQLite an FTS5
table with the trigram tokenizer holds the same text, kept up to date by triggers on ``users``.

Careful with later migrations: a SQLite batch operation on ``users`` that recreates the table
drops these triggers; such a migration must call ``create_sqlite_search()`` again (the search
tests on the migrated schema fail if it does not).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SEARCH_TEXT = "{row}.email || ' ' || {row}.first_name || ' ' || {row}.last_name"


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "ix_users_last_name_first_name", ["last_name", "first_name", "id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_users_search_trgm ON users "
            f"USING gin (({SEARCH_TEXT.format(row='users')}) gin_trgm_ops)"
        )
    else:
        create_sqlite_search()


def create_sqlite_search():
    op.execute("DROP TABLE IF EXISTS users_trgm")
    op.execute("CREATE VIRTUAL TABLE users_trgm USING fts5(text, tokenize='trigram')")
    op.execute(
        f"INSERT INTO users_trgm (rowid, text) SELECT id, {SEARCH_TEXT.format(row='users')} "
        "FROM users"
    )
    new_text = SEARCH_TEXT.format(row="new")
    op.execute(
        "CREATE TRIGGER users_trgm_insert AFTER INSERT ON users BEGIN "
        f"INSERT INTO users_trgm (rowid, text) VALUES (new.id, {new_text}); END"
    )
    op.execute(
        "CREATE TRIGGER users_trgm_update AFTER UPDATE OF email, first_name, last_name ON users "
        f"BEGIN UPDATE users_trgm SET text = {new_text} WHERE rowid = new.id; END"
    )
    op.execute(
        "CREATE TRIGGER users_trgm_delete AFTER DELETE ON users BEGIN "
        "DELETE FROM users_trgm WHERE rowid = old.id; END"
    )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_users_search_trgm")
    else:
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS users_trgm_{trigger}")
        op.execute("DROP TABLE IF EXISTS users_trgm")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_last_name_first_name")
