"""Preview sync and `sync run --dry-run`: the same planner, and nothing written anywhere."""

from __future__ import annotations

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import Direction, Group
from dashboard.sync.planner import Action
from jobs.preview import preview_all, preview_group

from .helpers import add_local, database_rows, remove_local, sync, thinkific_state

A, B, C, D = (f"{name}@example.com" for name in ("ann", "bob", "cy", "dee"))


def prepared(site, make) -> tuple[Group, int]:
    """A bidirectional group with changes waiting on both sides, and a new Thinkific group."""
    thinkific_id = site.group("Acme", A, B)
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    sync(group)
    add_local(group, C)
    remove_local(group, A)
    site.add(thinkific_id, D)
    site.group("Brand new in Thinkific")
    pushing = make.group("Only in the dashboard")
    make.assignment(pushing, direction=Direction.DASHBOARD_TO_THINKIFIC)
    return group, thinkific_id


def test_preview_shows_the_plan_and_writes_nothing(site, make, emulator):
    group, _ = prepared(site, make)
    before_db, before_site = database_rows(), thinkific_state(emulator.control)
    emulator.control.clear_stats()
    preview = preview_group(group)
    assert preview.error is None
    moves = {(c.action, c.key) for c in preview.plan.changes}
    assert moves == {(Action.ADD_REMOTE, C), (Action.REMOVE_REMOTE, A), (Action.ADD_LOCAL, D)}
    reasons = {c.action: c.reason for c in preview.plan.changes}
    assert reasons[Action.ADD_REMOTE].startswith("add to Thinkific: added in the dashboard on")
    assert database_rows() == before_db
    assert thinkific_state(emulator.control) == before_site
    assert _only_reads(emulator)


def test_preview_of_all_groups_includes_discovery(site, make, emulator):
    prepared(site, make)
    before_db, before_site = database_rows(), thinkific_state(emulator.control)
    preview = preview_all()
    steps = {(step.step.value, step.name) for step in preview.steps}
    assert steps == {
        ("import_group", "Brand new in Thinkific"),
        ("create_group", "Only in the dashboard"),
    }
    assert {item.group.name for item in preview.groups} == {"Acme"}
    assert database_rows() == before_db
    assert thinkific_state(emulator.control) == before_site


def test_cli_dry_run_prints_the_plan_and_writes_nothing(site, make, emulator, app):
    prepared(site, make)
    before_db, before_site = database_rows(), thinkific_state(emulator.control)
    emulator.control.clear_stats()
    result = app.test_cli_runner().invoke(args=["sync", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was changed." in result.output
    assert "group Brand new in Thinkific: import group (new in Thinkific)" in result.output
    assert "Acme: 1 to add in Thinkific, 1 to remove from Thinkific" in result.output
    assert f"  {C}: add to Thinkific: added in the dashboard on" in result.output
    assert database_rows() == before_db
    assert thinkific_state(emulator.control) == before_site
    assert _only_reads(emulator)


def test_preview_of_a_group_not_yet_in_thinkific(make, emulator):
    group = make.group("Fresh")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    add_local(group, A)
    before_db = database_rows()
    preview = preview_group(group)
    assert preview.note == "The group does not exist in Thinkific yet: the sync creates it first."
    assert [(c.action, c.key) for c in preview.plan.changes] == [(Action.ADD_REMOTE, A)]
    assert database_rows() == before_db


def _only_reads(emulator) -> bool:
    endpoints = emulator.control.stats()["per_endpoint"]
    return bool(endpoints) and all(name.startswith("GET ") for name in endpoints)
