"""The migration history is the only way the schema is made: it must match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dashboard.extensions import db

# indexes the models cannot declare: search (0002, 0012), and per engine (0015)
UNDECLARED = ("_trgm", "_start", "_nulls_last")


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: (
                    not any(part in (name or "") for part in UNDECLARED)
                ),
            },
        )
        assert compare_metadata(context, db.metadata) == []
