"""Sync Groups on the Groups page: starting a sync of all groups, and the small status fragment
that polls only while something is live, updating the rows that changed."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from html import unescape

import pytest
from rq import Queue
from sqlalchemy import func, select, update

from dashboard.extensions import db
from dashboard.models import (
    Direction,
    Group,
    Role,
    RunState,
    RunTrigger,
    SyncRun,
    SyncState,
    utcnow,
)
from dashboard.redis_client import get_redis
from dashboard.runs.progress import RECOVER_KEY
from jobs.enqueue import SYNC_QUEUE, start_group_sync
from tests.fixtures.app import HTMX
from tests.querycount import count_queries
from tests.starting import start_sync_all

URL = "/admin/groups/"
PROGRESS = "/admin/groups/sync/progress"


def progress_tag(html: str) -> str:
    """The opening tag of the #sync-progress fragment."""
    return re.search(r'<div id="sync-progress"[^>]*>', html).group(0)


def loaded_page(client) -> str:
    """The Groups page as a browser shows it: its sync bar loads once the page is in (the
    progress poll, sent with the ids of the rows shown), in place of the empty bar."""
    html = client.get(URL).text
    empty = re.search(r'<div id="sync-progress"[^<]*?hx-trigger="load"[^<]*</div>', html)[0]
    ids = ",".join(re.findall(r'<tbody id="group-(\d+)" class="group', html))
    url = unescape(re.search(r'hx-get="([^"]+)"', empty).group(1))
    bar = client.get(f"{url}&ids={ids}", headers=HTMX).text
    return html.replace(empty, bar)


def polls(html: str) -> bool:
    return 'hx-trigger="every ' in progress_tag(html)


def run_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SyncRun))


def heartbeat(run: SyncRun) -> SyncRun:
    """What a worker does while it runs a run: the state, and a heartbeat in Redis."""
    run.state, run.started_at = RunState.RUNNING, utcnow()
    db.session.commit()
    get_redis().set(f"sync:alive:{run.id}", 1, ex=60)
    return run


def synced_group(make, name: str, **fields) -> Group:
    group = make.group(name, thinkific_id=fields.pop("thinkific_id", None), **fields)
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    return group


# --- the button -------------------------------------------------------------------------------


def test_admins_see_sync_groups_and_everyone_sees_the_bar(client, auth):
    auth.login()
    html = loaded_page(client)
    assert "Sync Groups</button>" in html
    assert "No sync of all groups has run yet." in html
    assert not polls(html)
    auth.logout()
    auth.login(Role.VIEWER)
    html = loaded_page(client)
    assert "Sync Groups</button>" not in html
    assert 'id="sync-progress"' in html


def test_viewers_cannot_start_a_sync(client, auth):
    auth.login(Role.VIEWER)
    assert client.post("/admin/groups/sync", headers=HTMX).status_code == 403
    assert run_count() == 0


def test_sync_groups_queues_a_run_and_starts_polling(client, auth):
    admin = auth.login()
    response = client.post("/admin/groups/sync", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="sync-progress"')
    run = db.session.scalar(select(SyncRun))
    assert (run.trigger, run.started_by_id, run.group_id) == (RunTrigger.MANUAL, admin.id, None)
    assert Queue(SYNC_QUEUE, connection=get_redis()).job_ids == [run.job_id]
    assert polls(response.text)
    assert f"run={run.id}" in progress_tag(response.text)
    assert "Queued: waiting for a worker" in response.text
    assert "Started a sync of all groups." in response.text  # the flash, out of band


def test_pressing_sync_groups_again_shows_the_running_one(client, auth):
    auth.login()
    client.post("/admin/groups/sync", headers=HTMX)
    response = client.post("/admin/groups/sync", headers=HTMX)
    assert run_count() == 1
    assert "A sync of all groups is already running (run #1)" in response.text
    assert polls(response.text)


def test_sync_groups_without_javascript_goes_back_to_the_page(client, auth):
    auth.login()
    response = client.post("/admin/groups/sync")
    assert response.status_code == 303
    assert response.headers["Location"] == URL
    page = loaded_page(client)
    assert "Started a sync of all groups." in page
    assert polls(page)


def test_redis_down_says_so_and_leaves_nothing_stuck(client, auth, redis_down):
    auth.login()
    response = client.post("/admin/groups/sync", headers=HTMX)
    assert response.status_code == 503
    assert response.headers["HX-Reswap"] == "none"
    assert "Redis, where the queue lives, cannot be reached" in response.text
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(SyncRun)
            .where(SyncRun.state.in_((RunState.QUEUED, RunState.RUNNING)))
        )
        == 0
    )
    html = loaded_page(client)
    assert "Redis cannot be reached" in html
    assert not polls(html)


def test_a_failed_enqueue_fails_its_run_at_once(client, auth, app):
    auth.login()
    queue = get_redis()
    queue.set("rq:queues", "not a set")  # RQ's registry of queues is now unusable: WRONGTYPE
    response = client.post("/admin/groups/sync", headers=HTMX)
    queue.delete("rq:queues")
    assert response.status_code == 503
    assert "The sync could not start" in response.text
    run = db.session.scalar(select(SyncRun))
    assert run.state == RunState.FAILED
    assert run.error.startswith("Could not be queued:")
    assert client.post("/admin/groups/sync", headers=HTMX).status_code == 200  # nothing blocks


# --- the status fragment ----------------------------------------------------------------------


def test_an_idle_page_does_not_poll(client, auth, make):
    auth.login()
    synced_group(make, "Acme")
    run = start_sync_all()
    run.state, run.finished_at, run.groups_done, run.groups_total = (
        RunState.SUCCEEDED,
        utcnow(),
        1,
        1,
    )
    db.session.commit()
    html = loaded_page(client)
    assert not polls(html)
    assert "Last sync of all groups:" in html
    assert f'href="/admin/sync-runs/{run.id}"' in html
    # it asks once more only when the admin looks at the page again
    tag = html.split('<div id="sync-progress"')[1].split("data-polling")[0]
    trigger = re.search(r'hx-trigger="([^"]*)"', tag).group(1)
    assert unescape(trigger) == (
        "visibilitychange[document.visibilityState==='visible'] from:document, focus from:window"
    )


def test_a_row_being_synced_makes_the_page_poll(client, auth, make):
    auth.login(Role.VIEWER)
    group = synced_group(make, "Acme", thinkific_id=5)
    start_group_sync(group)  # one group: no run of all groups
    html = loaded_page(client)
    assert "Queued" in html
    assert polls(html)
    assert "data-send-row-ids=" in progress_tag(html)  # the page sends its rows' ids


def test_the_poll_sends_only_rows_changed_since_the_last_answer(client, auth, make):
    auth.login()
    fresh, old = synced_group(make, "Fresh"), synced_group(make, "Old")
    db.session.execute(
        update(Group).where(Group.id == old.id).values(updated_at=utcnow() - timedelta(minutes=5))
    )
    db.session.commit()
    run = heartbeat(start_sync_all())
    since = int(time.time()) - 1
    query = {"run": run.id, "since": since, "ids": f"{fresh.id},{old.id}"}
    html = client.get(PROGRESS, query_string=query, headers=HTMX).text
    assert polls(html)
    assert f'<hx-partial hx-target="#group-{fresh.id}" hx-swap="outerHTML">' in html
    assert f'#group-{old.id}"' not in html
    everything = client.get(
        PROGRESS, query_string={"run": run.id, "ids": f"{fresh.id},{old.id}"}, headers=HTMX
    ).text
    assert f'#group-{old.id}"' in everything


def test_badges_follow_the_groups_through_a_run(client, auth, make):
    auth.login()
    group = synced_group(make, "Acme")
    run = heartbeat(start_sync_all())
    query = {"run": run.id, "ids": str(group.id)}
    group.sync_state = SyncState.SYNCING  # and the run holds the group's lock, as a worker does
    db.session.commit()
    get_redis().set(f"sync:lock:group:{group.id}", run.id, ex=60)
    html = client.get(PROGRESS, query_string=query, headers=HTMX).text
    assert re.search(rf'id="group-{group.id}".*badge--syncing', html, re.S)
    group.sync_state, group.last_synced_at, group.pending_changes = SyncState.IDLE, utcnow(), False
    run.groups_total = run.groups_done = 1
    db.session.commit()
    html = client.get(PROGRESS, query_string=query, headers=HTMX).text
    assert re.search(rf'id="group-{group.id}".*Full \(synced\)', html, re.S)
    assert "The group is done (1 synced); now syncing course access" in html  # its last part


def test_when_the_run_ends_the_poll_stops_with_a_summary_and_a_link(client, auth, make):
    auth.login()
    group = synced_group(make, "Acme")
    run = heartbeat(start_sync_all())
    run.state, run.finished_at = RunState.SUCCEEDED, utcnow()
    run.groups_done = run.groups_total = 3
    run.groups_imported, run.added_remote, run.removed_local = 2, 5, 1
    db.session.commit()
    query = {"run": run.id, "ids": str(group.id)}
    html = client.get(PROGRESS, query_string=query, headers=HTMX).text
    assert not polls(html)
    assert "The sync of all groups finished: 3 groups synced, 2 imported, 0 created" in html
    assert "Thinkific +5 \N{MINUS SIGN}0, dashboard +0 \N{MINUS SIGN}1" in html
    assert f'<a href="/admin/sync-runs/{run.id}">See run #{run.id}</a>' in html
    assert '<hx-partial hx-target="#flashes"' in html


def test_a_run_whose_worker_died_ends_and_frees_its_groups(client, auth, make):
    auth.login()
    group = synced_group(make, "Acme")
    run = start_sync_all()
    run.state = RunState.RUNNING  # no heartbeat: the worker was killed
    group.sync_state = SyncState.QUEUED
    db.session.commit()
    html = loaded_page(client)
    assert polls(html)  # the page does not trust the run, and asks
    query = {"run": run.id, "ids": str(group.id)}
    html = client.get(PROGRESS, query_string=query, headers=HTMX).text
    assert not polls(html)
    assert "ended with problems" in html
    assert "The worker stopped during this run" in html
    db.session.expire_all()
    assert run.state == RunState.FAILED
    assert group.sync_state != SyncState.QUEUED


def test_the_poll_costs_the_same_few_queries_for_5_or_50_rows(client, auth, make):
    auth.login()
    groups = [synced_group(make, f"G{n:02}") for n in range(50)]
    run = heartbeat(start_sync_all())
    get_redis().set(RECOVER_KEY, 1)  # dead runs were looked for a moment ago
    run_id, all_ids = run.id, [group.id for group in groups]

    def poll(ids) -> list[str]:
        db.session.expire_all()  # nothing read before counts as cached
        with count_queries() as statements:
            query = {"run": run_id, "ids": ",".join(map(str, ids))}
            html = client.get(PROGRESS, query_string=query, headers=HTMX).text
        assert html.count('<hx-partial hx-target="#group-') == len(ids)
        return statements

    few, many = poll(all_ids[:5]), poll(all_ids)
    assert len(few) == len(many) <= 3  # the account, the run, the rows


@pytest.mark.parametrize("ids", ["", "abc", "1,,2,-3", "9" * 40, ",".join(["7"] * 500)])
def test_bad_ids_are_ignored(client, auth, ids):
    auth.login()
    query = {"ids": ids, "since": "x", "run": "99999999999"}
    response = client.get(PROGRESS, query_string=query, headers=HTMX)
    assert response.status_code == 200
    assert not polls(response.text)


def test_the_poll_with_redis_down_stops_and_says_why(client, auth, redis_down):
    auth.login()
    html = client.get(PROGRESS, query_string={"run": 1, "ids": "1"}, headers=HTMX).text
    assert not polls(html)
    assert "Redis cannot be reached" in html


def test_the_progress_url_without_htmx_goes_to_the_groups_page(client, auth):
    auth.login()
    response = client.get(PROGRESS)
    assert response.status_code == 303
    assert response.headers["Location"] == URL


def test_a_run_that_stopped_reporting_is_checked_then_the_pressed_sync_starts(client, auth, make):
    auth.login()
    run = heartbeat(start_sync_all())
    get_redis().set(f"sync:alive:{run.id}", "worker-on-another-host:7", px=1500)  # overdue
    html = client.post("/admin/groups/sync", headers=HTMX).text
    assert f"(run #{run.id}) has stopped reporting" in unescape(html)
    assert "Checking… a new sync starts as soon as that is confirmed." in unescape(html)
    assert "It seems to have stopped unexpectedly; checking…" in unescape(html)
    assert polls(html)
    assert run_count() == 1
    get_redis().delete(f"sync:alive:{run.id}")  # its heartbeat lapses: it is dead
    html = unescape(client.get(PROGRESS, query_string={"run": run.id}, headers=HTMX).text)
    assert "The worker stopped during this run" in html
    assert f"Started a sync of all groups (run #{run.id + 1})." in html
    assert run_count() == 2
    assert polls(html)


def test_failed_groups_show_as_failed_not_as_done(client, auth, make):
    auth.login()
    run = heartbeat(start_sync_all())
    run.groups_total, run.groups_done, run.groups_failed, run.groups_paused = 25, 15, 4, 1
    db.session.commit()
    html = unescape(client.get(PROGRESS, query_string={"run": run.id}, headers=HTMX).text)
    assert re.search(
        r"Syncing groups: 10 synced, .*4 failed.*, 1 paused for approval of 25\.", html
    )
    assert polls(html)
