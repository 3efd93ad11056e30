"""`flask --app wsgi seed-demo`: fill the dashboard with the demo dataset."""

from __future__ import annotations

from collections import Counter

import click

from .dataset import demo_data
from .seed import KINDS, foreign_rows, seed_dashboard


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Add the demo even to a database with other data.")
def seed_demo(force: bool) -> None:
    """Add the demo's teams, groups, users, links and courses (missing ones only)."""
    data = demo_data()
    foreign = foreign_rows(data)
    if foreign and not force:
        raise click.ClickException(
            f"This database already holds data that is not the demo's ({describe(foreign)}). "
            "seed-demo leaves it alone; add --force to add the demo data next to it."
        )
    created = seed_dashboard(data)
    if not created:
        click.echo("The demo data is already in place; nothing changed.")
        return
    click.echo(f"Seeded the demo: {describe(created)}.")


def describe(counts: Counter) -> str:
    """'6 teams, 25 groups' in a stable order."""
    order = [kind for kind in KINDS if counts[kind]]
    return ", ".join(f"{counts[kind]} {_noun(kind, counts[kind])}" for kind in order)


def _noun(kind: str, count: int) -> str:
    return kind if count != 1 else kind.removesuffix("s")
