"""`flask --app wsgi sync run [--group NAME] [--dry-run]`: a sync in the foreground.

The same planner as the background jobs; prints the plan (dry run) or what was done, and exits
non-zero when something failed.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from jobs.preview import GroupPreview, RunPreview, preview_all, preview_group
from jobs.runner import run_in_foreground

from ..access.preview import AccessPreview
from ..extensions import db
from ..groups.service import find_group_by_name
from ..models import EventOutcome, Group, RunState, RunTrigger, SyncEvent, SyncRun
from ..plurals import count
from ..runs.lifecycle import SyncBusy

sync_cli = AppGroup("sync", help="Sync groups with Thinkific.")
SHOWN = 200  # events printed in full; beyond that only problems are listed
OK_STATES = (RunState.SUCCEEDED,)


@sync_cli.command("run")
@click.option("--group", "group_name", metavar="NAME", help="Sync only the group of this name.")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing anywhere.")
def run_command(group_name: str | None, dry_run: bool) -> None:
    """Sync all groups (discovery first), or one group, with Thinkific."""
    group = _group(group_name) if group_name else None
    if dry_run:
        _dry_run(group)
        return
    try:
        run = run_in_foreground(group, RunTrigger.CLI)
    except SyncBusy as busy:
        raise click.ClickException(str(busy)) from None
    _print_run(run)
    if run.state not in OK_STATES:
        raise SystemExit(1)


def _group(name: str) -> Group:
    group = find_group_by_name(name)
    if group is None:
        raise click.BadParameter(f"there is no group named “{name}”.", param_hint="--group")
    return group


def _dry_run(group: Group | None) -> None:
    preview = RunPreview(groups=[preview_group(group)]) if group else preview_all()
    _print_preview(preview)
    db.session.rollback()
    if preview.failed:
        raise SystemExit(1)


def _print_preview(preview: RunPreview) -> None:
    click.echo("Dry run: nothing was changed.")
    if preview.error:
        click.secho(f"Error: {preview.error}", fg="red", err=True)
    for step in preview.steps:
        click.echo(f"  group {step.name}: {step.step.value.replace('_', ' ')} ({step.reason})")
    for item in preview.groups:
        _print_group_preview(item)
    if not preview.steps and not preview.groups and not preview.error:
        click.echo("No group syncs.")
    if preview.access:
        _print_access(preview.access)


def _print_group_preview(item: GroupPreview) -> None:
    if item.error:
        click.secho(f"{item.group.name}: error: {item.error}", fg="red")
        return
    summary = item.plan.summary() if item.plan else "nothing to do"
    click.echo(f"{item.group.name}: {summary}")
    if item.note:
        click.echo(f"  note: {item.note}")
    if item.needs_approval():
        if item.group.removals_need_approval:
            click.secho("  a team link changed: the sync would pause for approval")
        else:
            click.secho("  the removals are above the limit: the sync would pause for approval")
    for change in item.plan.changes if item.plan else ():
        click.echo(f"  {change.key}: {change.reason}")
    if item.access:
        _print_access(item.access)


def _print_access(access: AccessPreview) -> None:
    if access.error:
        click.secho(f"access of {access.scope.label}: error: {access.error}", fg="red")
        return
    click.echo(f"access of {access.scope.label}: {access.plan.summary()} ({access.reads})")
    if access.needs_approval():
        click.secho("  the endings are above the limit: the sync would hold them for approval")
    for row in access.rows():
        click.echo(f"  {row.email}: {row.reason}")


def _print_run(run: SyncRun) -> None:
    took = (run.finished_at - run.started_at).total_seconds() if run.finished_at else 0
    color = "green" if run.state in OK_STATES else "red"
    click.secho(f"Run {run.id} {run.state} in {took:.1f} s.", fg=color)
    if run.error:
        click.secho(f"  {run.error}", fg="red")
    click.echo(
        f"  groups: {run.groups_done}/{run.groups_total} synced, {run.groups_imported} "
        f"imported, {run.groups_created} created in Thinkific\n"
        f"  Thinkific: {run.added_remote} added, {run.removed_remote} removed, "
        f"{count(run.manual_actions, 'manual removal')} to make by hand\n"
        f"  dashboard: {run.added_local} added, {run.removed_local} removed\n"
        f"  access: {run.access_granted} enrolled, {run.access_changed} expiry changed, "
        f"{run.access_ended} ended\n"
        f"  {count(run.failures, 'failure')}; {count(run.calls, 'Thinkific call')}, "
        f"{run.rate_limited} answered 429"
    )
    _print_events(run)


def _print_events(run: SyncRun) -> None:
    query = select(SyncEvent).where(SyncEvent.run_id == run.id).order_by(SyncEvent.id)
    total = db.session.scalar(select(db.func.count()).select_from(query.subquery()))
    if total > SHOWN:
        problems = (EventOutcome.FAILED, EventOutcome.PENDING)
        query = query.where(SyncEvent.outcome.in_(problems)).limit(SHOWN)
        click.echo(f"  {total} events; failures and manual actions:")
    for event in db.session.scalars(query):
        where = event.group.name if event.group else "-"
        who = f" {event.email}" if event.email else ""
        error = f" — {event.error}" if event.error else ""
        click.echo(f"  [{event.outcome}] {where}:{who} {event.reason}{error}")
