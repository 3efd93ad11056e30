"""The migration history is the only way the schema is made: it must match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dashboard.extensions import db


def test_models_and_migrations_agree(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: "_trgm" not in (name or ""),
            },
        )
        assert compare_metadata(context, db.metadata) == []
