"""`flask --app wsgi activity purge`: drop the records older than the retention period."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..activity.trail import purge
from ..extensions import db
from ..plurals import count

activity_cli = AppGroup("activity", help="The audit trail (the Activity screen).")


@activity_cli.command("purge")
@click.option(
    "--days", type=click.IntRange(min=1), help="Keep this many days (default: the config's)."
)
def purge_command(days: int | None) -> None:
    """Delete activity records older than ACTIVITY_RETENTION_DAYS (or --days)."""
    days = days or current_app.config["ACTIVITY_RETENTION_DAYS"]
    removed = purge(days)
    db.session.commit()
    click.echo(f"Deleted {count(removed, 'activity record')} older than {days} days.")
