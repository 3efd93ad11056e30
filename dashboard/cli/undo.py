"""`flask --app wsgi sync undo RUN_ID [--dry-run]`: undo a finished run in the foreground."""

from __future__ import annotations

import click

from jobs.undo.service import GroupUndo, UndoPreview, preview_undo, undo_in_foreground

from ..extensions import db
from ..models import SyncRun
from ..runs.lifecycle import SyncBusy
from ..sync.undo import UndoRefused
from .sync import OK_STATES, _print_run, sync_cli


@sync_cli.command("undo")
@click.argument("run_id", type=click.IntRange(1, 2**31 - 1), metavar="RUN_ID")
@click.option("--dry-run", is_flag=True, help="Print the plan that reverts it; change nothing.")
def undo_command(run_id: int, dry_run: bool) -> None:
    """Revert what run RUN_ID applied (as a new run of trigger 'undo')."""
    run = db.session.get(SyncRun, run_id)
    if run is None:
        raise click.BadParameter(f"there is no sync run #{run_id}.", param_hint="RUN_ID")
    if dry_run:
        preview = preview_undo(run)
        if preview.refused:
            raise click.ClickException(preview.refused)
        print_preview(preview)
        if preview.failed:
            raise SystemExit(1)
        return
    try:
        undone = undo_in_foreground(run)
    except (UndoRefused, SyncBusy) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Run {undone.id} undoes run {run.id}.")
    _print_run(undone)
    if undone.state not in OK_STATES:
        raise SystemExit(1)


def print_preview(preview: UndoPreview) -> None:
    click.echo(f"Dry run: nothing was changed. Undoing run {preview.run.id} would:")
    for group in preview.groups:
        _print_group(group)
    if preview.access:
        click.echo("course access:")
        if preview.access_error:
            click.secho(f"  error: {preview.access_error}", fg="red")
        for line in preview.access:
            _print_line(line)
    for line in preview.left_alone:
        click.echo(f"  {line.group_name}: {line.reason}")
    if not preview.changes:
        click.echo("Nothing to undo now.")


def _print_group(group: GroupUndo) -> None:
    click.echo(f"{group.name}:")
    if group.error:
        click.secho(f"  error: {group.error}", fg="red")
    if group.pauses:
        click.echo("  the removals are above the limit: the undo would pause for approval")
    for line in group.lines:
        _print_line(line)
    for change in group.next_sync:
        click.echo(f"  then the next sync would: {change.key}: {change.reason}")


def _print_line(line) -> None:
    if line.skipped:
        click.echo(f"  {line.email}: skipped: {line.skipped} ({line.reason})")
    else:
        click.echo(f"  {line.email}: {line.reason}")
