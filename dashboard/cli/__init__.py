"""Flask commands of the dashboard (`flask --app wsgi --help` lists them)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from jobs import QUEUES
from jobs.schedule import run_clock
from jobs.worker import run_worker

from ..accounts import AccountError, upsert_account
from ..auth.throttle import Target, throttle
from ..demo.commands import seed_demo
from ..extensions import db
from ..models import Role
from ..notifications.cli import mail_catcher
from ..thinkific.cli import thinkific_emulator
from .activity import activity_cli
from .sync import sync_cli
from .undo import undo_command  # noqa: F401  (registers `sync undo` on sync_cli)


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(ensure_admin)
    app.cli.add_command(unlock_account)
    app.cli.add_command(worker)
    app.cli.add_command(seed_demo)
    app.cli.add_command(clock)
    app.cli.add_command(sync_cli)
    app.cli.add_command(thinkific_emulator)
    app.cli.add_command(activity_cli)
    app.cli.add_command(mail_catcher)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(QUEUES),
    help="Only these queues (default: all), e.g. `--queue default` for notifications and "
    "webhooks, never held up by a long sync.",
)
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """Run an RQ worker for the dashboard's queues."""
    run_worker(current_app._get_current_object(), burst=burst, queues=queues)


@click.command("clock")
def clock() -> None:
    """Run RQ's cron: enqueue the Thinkific poll every SYNC_INTERVAL_MINUTES."""
    run_clock(current_app._get_current_object())


@click.command("create-admin")
@click.argument("email")
@click.option("--viewer", is_flag=True, help="Create a read-only viewer instead of an admin.")
@click.password_option(help="Asked for when not given.")
def create_admin(email: str, viewer: bool, password: str) -> None:
    """Create an account (or reset its password and role) that can sign in."""
    role = Role.VIEWER if viewer else Role.ADMIN
    try:
        account, created = upsert_account(email, password, role)
    except AccountError as error:
        raise click.BadParameter(str(error)) from error
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} {account.role} account {account.email}.")


@click.command("ensure-admin")
def ensure_admin() -> None:
    """Create or update the admin named by ADMIN_EMAIL / ADMIN_PASSWORD, when both are set."""
    email, password = current_app.config["ADMIN_EMAIL"], current_app.config["ADMIN_PASSWORD"]
    if not (email and password):
        click.echo("ADMIN_EMAIL and ADMIN_PASSWORD are not both set; no admin to ensure.")
        return
    try:
        account, created = upsert_account(email, password, Role.ADMIN)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"{'Created' if created else 'Updated'} admin account {account.email}.")


@click.command("unlock-account")
@click.argument("email")
@click.option("--address", help="Also unlock this client address (IP) of the sign-in page.")
def unlock_account(email: str, address: str | None) -> None:
    """End the sign-in lock-out of EMAIL (and of an address) and forget its failed sign-ins."""
    targets = [Target("account", email.strip().lower())]
    if address:
        targets.append(Target("address", address.strip()))
    for target in targets:
        was_locked = throttle().unlock(target)
        state = "unlocked" if was_locked else "was not locked out; its failures are forgotten"
        click.echo(f"{target.value}: {state}.")
