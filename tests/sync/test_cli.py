"""`flask --app wsgi sync run`: the same engine in the foreground, readable output, exit codes."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Direction, Group, RunState, RunTrigger, SyncRun
from dashboard.runs import lifecycle as runs

from .helpers import add_local, members

A, B = "ann@example.com", "bob@example.com"


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["sync", "run", *args])


def test_sync_run_syncs_and_says_what_it_did(app, site, make):
    thinkific_id = site.group("Acme", A)
    assert invoke(app).exit_code == 0
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    add_local(group, B)
    result = invoke(app, "--group", "acme")  # names ignore case
    assert result.exit_code == 0, result.output
    assert "Run 2 succeeded" in result.output
    assert "Thinkific: 1 added, 0 removed, 0 manual removals" in result.output
    assert "dashboard: 1 added, 0 removed" in result.output
    assert f"[applied] Acme: {B} add to Thinkific: added in the dashboard on" in result.output
    assert members(group) == {A, B}
    assert site.members(thinkific_id) == {A, B}
    run = db.session.get(SyncRun, 2)
    assert (run.trigger, run.group_id) == (RunTrigger.CLI, group.id)


def test_an_unknown_group_is_a_clear_error_and_changes_nothing(app):
    result = invoke(app, "--group", "Nope")
    assert result.exit_code == 2
    assert "there is no group named “Nope”" in result.output
    assert db.session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_a_failed_run_exits_non_zero_with_the_reason(app, emulator, quick_retries):
    emulator.control.add_fault("server_error", path="/api/public/v1/groups", status=503)
    result = invoke(app)
    assert result.exit_code == 1
    assert "failed" in result.output
    assert "Could not list Thinkific's groups" in result.output
    assert db.session.scalar(select(SyncRun.state)) == RunState.FAILED


def test_a_sync_already_running_is_named(app, make):
    running = runs.new_run(RunTrigger.MANUAL, state=RunState.QUEUED)
    db.session.commit()
    runs.claim_run(running)
    result = invoke(app)
    assert result.exit_code == 1
    assert f"A sync is already running (run {running.id})." in result.output
