"""Undo on real workers and from its pages and command line: Thinkific and the dashboard restored,
removals above the limit paused for approval, viewers refused, bad run ids refused."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import Activity, Role, RunState, SyncRun, SyncState
from jobs.enqueue import start_undo
from tests.fixtures.workers import wait_for
from tests.starting import approve_paused_plan

from .helpers import add_local, database_rows, members, remove_local, thinkific_state
from .test_jobs import finished
from .test_undo import A, B, C, linked, open_removals, synced

D, E = "dee@example.com", "eve@example.com"


def test_an_undo_on_a_worker_restores_both_sides(app, site, make, workers, emulator, client, auth):
    emulator.control.configure(graphql_enabled=True)
    app.config.update(THINKIFIC_REMOVALS="graphql", THINKIFIC_ACCESS_TOKEN=emulator.access_token)
    workers.config.update(
        THINKIFIC_REMOVALS="graphql", THINKIFIC_ACCESS_TOKEN=emulator.access_token
    )
    group, thinkific_id = linked(site, make, local=[A], remote=[B, C, E])
    synced(group)
    site.remove(thinkific_id, C)  # C leaves in Thinkific: the run removes C in the dashboard,
    add_local(group, D)  # pushes D to Thinkific,
    remove_local(group, E)  # and removes E from Thinkific
    run = synced(group)
    assert members(group) == {A, B, D}
    assert site.members(thinkific_id) == {A, B, D}
    undo = start_undo(run, make.account())
    workers.start()
    done = wait_for(lambda: finished(undo.id), what="the undo to finish")
    assert done.state == RunState.SUCCEEDED, done.error
    assert members(group) == {A, B, C, D}  # C is back in the dashboard
    assert site.members(thinkific_id) == {A, B, E}  # D removed (GraphQL), E added back
    assert (done.added_local, done.removed_remote, done.added_remote) == (1, 1, 1)
    assert done.manual_actions == 0
    auth.login()
    exported = client.get(f"/admin/sync-runs/{undo.id}/events.csv").text
    assert f"{C},Add in the dashboard,Applied,add back in the dashboard: removed from" in exported
    assert f"{D},Remove in Thinkific,Applied,remove from Thinkific: added in Thinkific" in exported
    assert db.session.get(type(group), group.id).sync_state == SyncState.IDLE


def test_removals_above_the_limit_pause_and_an_approval_carries_out_the_undo(
    app, site, make, workers
):
    app.config.update(SYNC_REMOVAL_LIMIT=0, SYNC_REMOVAL_LIMIT_PERCENT=0)
    workers.config.update(SYNC_REMOVAL_LIMIT=0, SYNC_REMOVAL_LIMIT_PERCENT=0)
    group, thinkific_id = linked(site, make, remote=[A, B])
    run = synced(group)  # pulls A and B
    admin = make.account()
    undo = start_undo(run, admin)
    workers.start()
    paused = wait_for(lambda: finished(undo.id), what="the undo to pause")
    assert paused.groups_paused == 1
    db.session.expire_all()
    assert group.sync_state == SyncState.PAUSED
    assert members(group) == {A, B}  # nothing removed before the approval
    approval = approve_paused_plan(group, admin)
    assert approval.undo_of_id == run.id
    done = wait_for(lambda: finished(approval.id), what="the approved undo to finish")
    assert done.state == RunState.SUCCEEDED, done.error
    assert members(group) == set()
    assert done.removed_local == 2
    assert site.members(thinkific_id) == {A, B}


def test_the_undo_pages_show_the_plan_and_start_a_linked_run(client, auth, site, make):
    group, _ = linked(site, make, local=[A], remote=[B])
    run = synced(group)
    auth.login()
    page = client.get(f"/admin/sync-runs/{run.id}")
    assert "Undo this run" in page.text
    plan = client.get(f"/admin/sync-runs/{run.id}/undo")
    assert plan.status_code == 200
    assert f"remove from the dashboard: added to the dashboard by run #{run.id}" in plan.text
    assert f"remove from Thinkific: added in Thinkific by run #{run.id}" in plan.text
    started = client.post(f"/admin/sync-runs/{run.id}/undo")
    assert started.status_code == 303
    undo = db.session.scalar(select(SyncRun).where(SyncRun.undo_of_id == run.id))
    assert started.headers["Location"].endswith(f"/admin/sync-runs/{undo.id}")
    assert (
        f'undoes <a href="/admin/sync-runs/{run.id}">run #{run.id}</a>'
        in client.get(f"/admin/sync-runs/{undo.id}").text
    )
    assert (
        f'Undone by <a href="/admin/sync-runs/{undo.id}">'
        in client.get(f"/admin/sync-runs/{run.id}").text
    )
    assert db.session.scalar(select(Activity).where(Activity.kind == "run_undo_started")).after == {
        "run": run.id,
        "undo_run": undo.id,
    }
    again = client.post(f"/admin/sync-runs/{run.id}/undo", follow_redirects=True)
    assert f"Run #{run.id} is being undone by run #{undo.id}" in again.text


def test_viewers_are_refused_and_nothing_changes(client, auth, site, make):
    group, _ = linked(site, make, local=[A])
    run = synced(group)
    auth.login(Role.VIEWER)
    assert "Undo this run" not in client.get(f"/admin/sync-runs/{run.id}").text
    before = database_rows()
    assert client.get(f"/admin/sync-runs/{run.id}/undo").status_code == 403
    assert client.post(f"/admin/sync-runs/{run.id}/undo").status_code == 403
    assert database_rows() == before


def invoke(app, *args: str):
    return app.test_cli_runner().invoke(args=["sync", "undo", *args])


def test_the_command_line_undoes_a_run_and_says_what_it_did(app, site, make):
    group, _ = linked(site, make, local=[A], remote=[B])
    run = synced(group)
    result = invoke(app, str(run.id))
    assert result.exit_code == 0, result.output
    assert f"undoes run {run.id}" in result.output
    assert f"remove from the dashboard: added to the dashboard by run #{run.id}" in result.output
    db.session.expire_all()
    assert members(group) == {A}
    assert open_removals(group) == {A}


def test_the_command_line_dry_run_prints_the_plan_and_changes_nothing(app, site, make, emulator):
    group, _ = linked(site, make, local=[A], remote=[B])
    run = synced(group)
    before, remote = database_rows(), thinkific_state(emulator.control)
    result = invoke(app, str(run.id), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was changed." in result.output
    assert (
        f"{B}: remove from the dashboard: added to the dashboard by run #{run.id}" in result.output
    )
    assert database_rows() == before
    assert thinkific_state(emulator.control) == remote


def test_bad_run_ids_are_clear_errors_that_change_nothing(app, site, make):
    group, _ = linked(site, make, local=[A])
    run = synced(group)
    before = database_rows()
    for args, code, words in [
        (["abc"], 2, "'abc' is not a valid integer"),
        (["0"], 2, "RUN_ID"),
        (["999"], 2, "there is no sync run #999"),
    ]:
        result = invoke(app, *args)
        assert result.exit_code == code, result.output
        assert words in result.output
    assert invoke(app, str(run.id)).exit_code == 0
    twice = invoke(app, str(run.id))
    assert twice.exit_code == 1
    assert "was already undone" in twice.output
    runs = db.session.scalar(select(func.count()).select_from(SyncRun))
    assert runs == len(before["sync_runs"]) + 1  # the one undo, nothing for the refusals
