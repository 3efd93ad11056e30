"""Sync history: the list of runs, a run's events (filters, pages, live), and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from dashboard.extensions import db
from dashboard.models import (
    EventOutcome,
    Group,
    Role,
    RunState,
    RunTrigger,
    SyncEvent,
    SyncRun,
    utcnow,
)
from dashboard.redis_client import get_redis
from dashboard.sync_runs.queries import GROUP_CHOICES
from tests.fixtures.app import HTMX

MINUS = "\N{MINUS SIGN}"


def make_run(by=None, group=None, **fields) -> SyncRun:
    now = utcnow()
    values = {
        "trigger": RunTrigger.MANUAL,
        "state": RunState.SUCCEEDED,
        "created_at": now - timedelta(minutes=5),
        "started_at": now - timedelta(minutes=5),
        "finished_at": now - timedelta(minutes=3, seconds=55),
        **fields,
    }
    run = SyncRun(
        started_by_id=by.id if by else None, group_id=group.id if group else None, **values
    )
    db.session.add(run)
    db.session.commit()
    return run


def make_event(run, group=None, **fields) -> SyncEvent:
    values = {"action": "add_remote", "outcome": EventOutcome.APPLIED, "reason": "", **fields}
    event = SyncEvent(run_id=run.id, group_id=group.id if group else None, **values)
    db.session.add(event)
    db.session.commit()
    return event


def running(run: SyncRun) -> SyncRun:
    """Make the run look alive to the engine: a heartbeat, as a worker keeps while it runs."""
    run.state = RunState.RUNNING
    db.session.commit()
    get_redis().set(f"sync:alive:{run.id}", 1, ex=60)
    return run


# --- the list ---------------------------------------------------------------------------------


def test_history_lists_runs_newest_first_with_who_what_and_counts(client, auth, make):
    admin = auth.login(email="boss@example.com")
    group = make.group("Acme")
    make_run(trigger=RunTrigger.SCHEDULE, state=RunState.FAILED, error="Thinkific is down")
    make_run(
        by=admin,
        groups_done=12,
        groups_total=12,
        groups_imported=3,
        groups_created=1,
        added_remote=5,
        removed_remote=2,
        added_local=7,
        removed_local=1,
        manual_actions=2,
        failures=1,
        calls=345,
        rate_limited=4,
        state=RunState.PARTIAL,
    )
    make_run(group=group, by=admin)
    html = client.get("/admin/sync-runs/").text
    rows = html.split('<tr id="run-')[1:]
    assert [row.split('"')[0] for row in rows] == ["3", "2", "1"]
    assert ">Acme</a>" in rows[0]
    assert "All groups" in rows[1]
    assert "boss@example.com" in rows[1]
    for text in (
        "Manual",
        "Partly failed",
        "12/12",
        "3 imported, 1 created",
        "+5",
        f"{MINUS}2",
        "+7",
        f"{MINUS}1",
        "345 (4)",
        "1 min 05 s",
    ):
        assert text in rows[1], text
    assert "2 manual actions" in rows[1]
    assert "1 failed" in rows[1]
    assert "Schedule" in rows[2]
    assert "the schedule" not in rows[2]  # who is said only when a person started it
    assert "Failed" in rows[2]


def test_history_shows_runs_of_course_access_with_what_they_changed(client, auth):
    auth.login(Role.VIEWER)
    runs = [
        make_run(trigger=RunTrigger.WEBHOOK, access_only=True, access_granted=3, access_ended=1),
        make_run(added_remote=2, access_granted=4, access_changed=1),
        make_run(added_remote=2),
    ]
    html = client.get("/admin/sync-runs/").text
    webhook, whole, members_only = (
        html.split(f'<tr id="run-{run.id}"')[1].split("</tr>")[0] for run in runs
    )
    assert "Course access" in webhook
    assert "All groups" not in webhook
    assert "<small>Access</small>" in webhook
    assert "+3" in webhook
    assert f"{MINUS}1" in webhook
    assert "<small>Thinkific</small>" not in webhook  # no group was synced
    assert "All groups" in whole
    assert "<small>Thinkific</small>" in whole
    assert "<small>Access</small>" in whole
    assert "<small>Access</small>" not in members_only  # access did not move
    run_page = client.get(f"/admin/sync-runs/{runs[0].id}").text
    assert "Course access" in run_page
    assert '<span class="plus">+3</span> <span class="moved">~0</span>' in run_page


def test_history_is_paginated_in_place(client, auth):
    auth.login(Role.VIEWER)
    for _ in range(30):
        make_run()
    first = client.get("/admin/sync-runs/").text
    assert first.count('<tr id="run-') == 25
    assert 'rel="next"' in first
    second = client.get("/admin/sync-runs/?page=2", headers=HTMX)
    assert (
        second.text.startswith('\n<div id="runs-results"')
        or '<div id="runs-results"' in second.text[:80]
    )
    assert "<html" not in second.text
    assert second.text.count('<tr id="run-') == 5
    assert client.get("/admin/sync-runs/?page=abc").status_code == 200


def test_empty_history_says_how_to_start(client, auth):
    auth.login()
    assert "No sync has run yet." in client.get("/admin/sync-runs/").text


# --- a run's page -----------------------------------------------------------------------------


def test_run_page_lists_events_with_reasons_and_errors(client, auth, make):
    auth.login(Role.VIEWER)
    group = make.group("Acme")
    ann = make.user("ann@example.com")
    run = make_run(error="1 change failed")
    make_event(
        run,
        group,
        email="ann@example.com",
        user_id=ann.id,
        reason="add to Thinkific: added in the dashboard",
    )
    failure = "Thinkific failed (503 on GET /users)"
    make_event(
        run,
        group,
        email="bob@example.com",
        action="remove_local",
        outcome=EventOutcome.FAILED,
        error=failure,
    )
    html = client.get(f"/admin/sync-runs/{run.id}").text
    assert "Sync run #1" in html
    assert f'<a href="/admin/users/{ann.id}">ann@example.com</a>' in html
    assert '<td class="member">bob@example.com</td>' in html  # no such user: the email alone
    assert "1 change failed" in html
    assert "add to Thinkific: added in the dashboard" in html
    assert "Thinkific failed (503 on GET /users)" in html
    assert "Add in Thinkific" in html
    assert "Remove in the dashboard" in html
    assert "2 events." in html
    assert f'<option value="{group.id}">Acme</option>' in html
    assert "hx-trigger" not in html.split('id="run-summary"')[1].split(">")[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=remove_local", {"bob@example.com"}),
        ("outcome=failed", {"bob@example.com", "cy@example.com"}),
        ("q=PROMOTED", {"ann@example.com"}),
        ("q=503", {"bob@example.com"}),
        ("q=globex", {"cy@example.com"}),
        ("group=GROUP", {"cy@example.com"}),
        ("action=bogus", {"ann@example.com", "bob@example.com", "cy@example.com"}),
    ],
)
def test_events_filter_in_place(client, auth, make, query, expected):
    auth.login()
    acme, globex = make.group("Acme"), make.group("Globex")
    run = make_run()
    make_event(run, acme, email="ann@example.com", reason="promoted in the dashboard")
    make_event(
        run,
        acme,
        email="bob@example.com",
        action="remove_local",
        outcome=EventOutcome.FAILED,
        error="503 on GET",
    )
    make_event(run, globex, email="cy@example.com", outcome=EventOutcome.FAILED)
    query = query.replace("GROUP", str(globex.id))
    response = client.get(f"/admin/sync-runs/{run.id}?{query}", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="run-events"')
    shown = {
        email
        for email in ("ann@example.com", "bob@example.com", "cy@example.com")
        if email in response.text
    }
    assert shown == expected
    if "bogus" in query:
        assert "That action is not one a sync records" in response.text


def test_events_are_paginated(client, auth):
    auth.login()
    run = make_run()
    for number in range(60):
        make_event(run, email=f"m{number:02d}@example.com")
    first = client.get(f"/admin/sync-runs/{run.id}").text
    assert "m00@example.com" in first
    assert "m50@example.com" not in first
    second = client.get(f"/admin/sync-runs/{run.id}?page=2", headers=HTMX).text
    assert "m50@example.com" in second
    assert "m00@example.com" not in second


def test_unknown_run_is_404(client, auth):
    auth.login()
    assert client.get("/admin/sync-runs/999").status_code == 404
    assert client.get("/admin/sync-runs/99999999999").status_code == 404


def test_hostile_text_is_escaped(client, auth, make):
    auth.login()
    group = make.group("<script>alert(1)</script>")
    run = make_run(group=group, error="<img src=x onerror=alert(2)>")
    make_event(run, group, email="a@example.com", reason="<b>bold</b>")
    html = client.get(f"/admin/sync-runs/{run.id}?q=%3Cb%3E").text
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


# --- live -------------------------------------------------------------------------------------


def test_running_run_polls_its_summary_and_stops_when_done(client, auth, app):
    app.config["SYNC_STATUS_POLL_SECONDS"] = 1.5
    auth.login(Role.VIEWER)
    run = running(make_run(state=RunState.RUNNING, finished_at=None, groups_total=4, groups_done=1))
    page = client.get(f"/admin/sync-runs/{run.id}").text
    assert f'hx-get="/admin/sync-runs/{run.id}/live" hx-trigger="every 1500ms"' in page
    assert "Syncing groups: 1 synced of 4." in page
    poll = client.get(f"/admin/sync-runs/{run.id}/live?outcome=failed", headers=HTMX).text
    assert 'hx-trigger="every 1500ms"' in poll
    assert "run-events" not in poll

    run.state, run.finished_at, run.groups_done = RunState.SUCCEEDED, utcnow(), 4
    make_event(run, email="late@example.com", outcome=EventOutcome.FAILED)
    make_event(run, email="fine@example.com")
    poll = client.get(f"/admin/sync-runs/{run.id}/live?outcome=failed", headers=HTMX).text
    assert "hx-trigger" not in poll
    assert "Succeeded" in poll
    assert '<hx-partial hx-target="#run-events"' in poll
    assert "late@example.com" in poll
    assert "fine@example.com" not in poll  # the filters of the page still apply


def test_a_run_whose_worker_died_is_shown_failed(client, auth):
    auth.login()
    run = make_run(state=RunState.RUNNING, finished_at=None)  # no heartbeat: the worker is gone
    html = client.get(f"/admin/sync-runs/{run.id}").text
    assert "Failed" in html
    assert "The worker stopped during this run" in html
    assert "hx-trigger" not in html.split('id="run-summary"')[1].split(">")[0]


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.text)))


def test_export_streams_every_matching_event_as_safe_csv(client, auth, make):
    auth.login(Role.VIEWER)
    group = make.group("=Acme")
    run = make_run()
    make_event(run, group, email="ann@example.com", reason='=HYPERLINK("http://evil")')
    make_event(
        run,
        group,
        email="+bob@example.com",
        reason="-2+3",
        error="@SUM(A1)",
        outcome=EventOutcome.FAILED,
    )
    make_event(run, group, email="cy@example.com", reason="plain, with a comma\nand a newline")
    response = client.get(f"/admin/sync-runs/{run.id}/events.csv")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="sync-run-{run.id}-events.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == ["time_utc", "group", "member", "action", "outcome", "reason", "error"]
    assert len(rows) == 4
    assert rows[1][1:3] == ["'=Acme", "ann@example.com"]
    assert rows[1][5] == '\'=HYPERLINK("http://evil")'
    assert rows[2][2] == "'+bob@example.com"
    assert rows[2][5:] == ["'-2+3", "'@SUM(A1)"]
    assert rows[2][4] == "Failed"
    assert rows[3][5] == "plain, with a comma\nand a newline"


def test_export_applies_the_same_filters(client, auth, make):
    auth.login()
    run = make_run()
    make_event(run, email="ann@example.com")
    make_event(run, email="bob@example.com", outcome=EventOutcome.FAILED, error="boom")
    response = client.get(f"/admin/sync-runs/{run.id}/events.csv?outcome=failed&q=boom")
    assert "filtered" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert [row[2] for row in rows[1:]] == ["bob@example.com"]
    page = client.get(f"/admin/sync-runs/{run.id}?outcome=failed&q=boom").text
    assert f"/admin/sync-runs/{run.id}/events.csv?" in page
    assert "outcome=failed" in page.split("events.csv?")[1].split('"')[0]


def test_a_short_search_exports_the_events_it_shows(client, auth, make):
    """One or two characters find the events whose email or group name starts with them: the
    page and its CSV agree (an "o" inside an email or a reason is not a match)."""
    auth.login()
    osprey, other = make.group("Osprey"), make.group("Kestrel")
    run = make_run()
    make_event(run, other, email="olga@example.com", reason="added")
    make_event(run, osprey, email="ann@example.com", reason="added")
    make_event(run, other, email="bob@example.com", reason="on leave")
    page = client.get(f"/admin/sync-runs/{run.id}", query_string={"q": "O"}, headers=HTMX).text
    shown = [e for e in ("olga", "ann", "bob") if f"{e}@example.com" in page]
    assert shown == ["olga", "ann"]
    rows = read_csv(client.get(f"/admin/sync-runs/{run.id}/events.csv?q=O"))
    assert [row[2] for row in rows[1:]] == ["olga@example.com", "ann@example.com"]


def test_export_of_a_big_run_reads_in_batches(client, auth, monkeypatch):
    auth.login()
    run = make_run()
    db.session.execute(
        SyncEvent.__table__.insert(),
        [
            {
                "run_id": run.id,
                "action": "add_local",
                "outcome": EventOutcome.APPLIED,
                "email": f"u{n}@example.com",
                "reason": "",
                "created_at": utcnow(),
            }
            for n in range(2500)
        ],
    )
    db.session.commit()
    rows = read_csv(client.get(f"/admin/sync-runs/{run.id}/events.csv"))
    assert len(rows) == 2501
    assert len({row[2] for row in rows[1:]}) == 2500


def test_a_run_of_many_groups_filters_by_group_name_instead_of_a_list(client, auth):
    auth.login()
    run = make_run()
    db.session.execute(
        Group.__table__.insert(),
        [{"id": n, "name": f"G{n}", "name_key": f"g{n}"} for n in range(1, GROUP_CHOICES + 2)],
    )
    db.session.execute(
        SyncEvent.__table__.insert(),
        [
            {
                "run_id": run.id,
                "group_id": n,
                "action": "add_local",
                "email": "",
                "reason": "",
                "outcome": EventOutcome.APPLIED,
                "created_at": utcnow(),
            }
            for n in range(1, GROUP_CHOICES + 2)
        ],
    )
    db.session.commit()
    html = client.get(f"/admin/sync-runs/{run.id}").text
    assert '<select name="group"' not in html
    assert "group names" in html
    assert "1,000+" not in html
    assert f"{GROUP_CHOICES + 1} events." in html
