"""The sync section of a group's page: live status, Sync now, Preview sync, manual actions,
recent runs, and approving or rejecting a plan that paused for too many removals."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import (
    Direction,
    EventOutcome,
    Group,
    ManualAction,
    Role,
    RunState,
    SyncEvent,
    SyncRun,
    SyncState,
    utcnow,
)
from jobs import runner
from jobs.enqueue import start_group_sync
from tests.fixtures.app import HTMX
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import database_rows, members, sync

EMAILS = [f"m{i:02}@example.com" for i in range(40)]


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator)


def url(group: Group, tail: str = "") -> str:
    return f"/admin/groups/{group.id}{tail}"


def status_tag(html: str) -> str:
    return re.search(r'<div id="group-sync-status"[^>]*>', html).group(0)


def polls(html: str) -> bool:
    return 'hx-trigger="every ' in status_tag(html)


def linked(site, make, *emails, direction=Direction.BIDIRECTIONAL) -> tuple[Group, int]:
    """A Thinkific group with `emails`, imported and linked, after one successful sync."""
    thinkific_id = site.group("Acme", *emails)
    sync()
    group = db.session.scalar(select(Group).filter_by(thinkific_id=thinkific_id))
    make.assignment(group, direction=direction)
    assert sync(group).state == RunState.SUCCEEDED
    return group, thinkific_id


def paused(site, make) -> Group:
    """A group whose last sync paused: 15 of its 40 members were removed in Thinkific."""
    group, thinkific_id = linked(site, make, *EMAILS)
    for email in EMAILS[:15]:
        site.remove(thinkific_id, email)
    sync(group)
    assert group.sync_state == SyncState.PAUSED
    return group


# --- the section ------------------------------------------------------------------------------


def test_the_section_shows_status_actions_and_recent_runs(client, auth, site, make):
    group, _ = linked(site, make, "ann@example.com")
    auth.login()
    html = client.get(url(group)).text
    assert "Full (synced)" in html
    assert "Sync now</button>" in html
    assert ">Preview sync</a>" in html
    assert re.search(r'Run #2</a> <span class="badge badge--full">Succeeded', html)
    assert "this group" in html
    assert not polls(html)
    assert re.search(r"Last successful sync</dt><dd>\d{4}-", html)


def test_viewers_see_the_section_without_mutating_buttons(client, auth, site, make):
    group = paused(site, make)
    auth.login(Role.VIEWER)
    html = client.get(url(group)).text
    assert ">Preview sync</a>" in html
    assert "Waiting for approval" in html
    for control in ("Sync now", ">Approve<", ">Reject<"):
        assert control not in html
    for tail in ("/sync", "/sync/approve", "/sync/reject"):
        assert client.post(url(group, tail), headers=HTMX).status_code == 403
    assert group.sync_state == SyncState.PAUSED


# --- Sync now ---------------------------------------------------------------------------------


def test_sync_now_queues_the_group_and_polls_its_status(client, auth, make):
    group = make.group("Acme")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    auth.login()
    response = client.post(url(group, "/sync"), headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="group-sync-status"')
    assert polls(response.text)
    assert "Queued" in response.text
    assert "Sync of Acme started" in response.text
    db.session.expire_all()
    assert group.sync_state == SyncState.QUEUED
    again = client.post(url(group, "/sync"), headers=HTMX)
    assert "Acme is already being synced (run #1)" in again.text
    assert db.session.scalar(select(func.count()).select_from(SyncRun)) == 1


def test_sync_now_and_approve_work_without_javascript(client, auth, site, make):
    group = paused(site, make)
    auth.login()
    response = client.post(url(group, "/sync/approve"))
    assert response.status_code == 303
    assert response.headers["Location"] == url(group)
    page = client.get(url(group)).text
    assert "Approved: the sync of Acme now applies" in page
    assert "Queued" in page
    assert client.post(url(group, "/sync")).headers["Location"] == url(group)
    assert "Acme is already being synced" in client.get(url(group)).text


def test_sync_now_refuses_a_group_without_a_syncing_link(client, auth, make):
    group = make.group("Acme")
    make.assignment(group, direction=Direction.DISABLED)
    auth.login()
    response = client.post(url(group, "/sync"), headers=HTMX)
    assert response.status_code == 409
    assert "has no team link that syncs" in response.text
    assert db.session.scalar(select(func.count()).select_from(SyncRun)) == 0


def test_sync_now_with_redis_down_says_so(client, auth, make, redis_down):
    group = make.group("Acme")
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    auth.login()
    response = client.post(url(group, "/sync"), headers=HTMX)
    poll = client.get(url(group, "/sync/status"), headers=HTMX).text
    assert response.status_code == 503
    assert "Redis, where the queue lives, cannot be reached" in response.text
    db.session.expire_all()
    assert group.sync_state == SyncState.IDLE
    assert "Redis cannot be reached" in poll
    assert not polls(poll)


def test_the_status_polls_while_live_and_brings_the_rest_when_done(client, auth, site, make):
    group, thinkific_id = linked(site, make, "ann@example.com")
    run = start_group_sync(group)
    auth.login()
    page = client.get(url(group)).text
    assert polls(page)
    tid = f"tid={thinkific_id}"
    assert tid in status_tag(page)
    poll = client.get(url(group, f"/sync/status?{tid}"), headers=HTMX).text
    assert polls(poll)
    assert "hx-partial" not in poll

    site.add(thinkific_id, "new@example.com")
    runner.execute(run.id)  # what the worker's job does
    db.session.expire_all()
    done = client.get(url(group, f"/sync/status?{tid}"), headers=HTMX).text
    assert not polls(done)
    assert '<hx-partial hx-target="#group-sync-actions"' in done
    assert '<hx-partial hx-target="#member-list"' in done
    assert "new@example.com" in done
    assert "#group-summary" not in done  # the Thinkific id did not change
    created = client.get(url(group, "/sync/status?tid=0"), headers=HTMX).text
    assert '<hx-partial hx-target="#group-summary"' in created


def test_the_runs_list_keeps_up_while_the_run_goes_on_after_the_group(client, auth, site, make):
    """The group's part of a run ends before the run (course access comes after): the
    section keeps asking, so Recent runs does not show the run Running once it has ended."""
    group, thinkific_id = linked(site, make, "ann@example.com")
    run = start_group_sync(group)
    group.sync_state = SyncState.IDLE  # the group is done; its run is not
    db.session.commit()
    auth.login()
    status = url(group, f"/sync/status?tid={thinkific_id}")
    going_on = client.get(status, headers=HTMX).text
    assert polls(going_on)
    assert '<hx-partial hx-target="#group-sync-actions"' in going_on
    assert run_said(going_on, run.id) == "Queued"

    runner.end(run, RunState.SUCCEEDED)  # its course access done; the group unchanged since
    asked_again = re.search(r'hx-get="([^"]+)"', status_tag(going_on)).group(1)
    ended = client.get(asked_again.replace("&amp;", "&"), headers=HTMX).text
    assert not polls(ended)
    assert run_said(ended, run.id) == "Succeeded"


def run_said(html: str, run_id: int) -> str:
    """The state Recent runs shows for run `run_id`."""
    return re.search(rf"Run #{run_id}</a> <span[^>]*>([^<]+)</span>", html).group(1)


def test_an_idle_section_catching_up_hears_only_of_changes(client, auth, site, make):
    group, thinkific_id = linked(site, make, "ann@example.com")
    auth.login()
    page = client.get(url(group)).text
    assert not polls(page)
    seen = re.search(r"seen=([0-9.]+)", status_tag(page)).group(1)
    catch_up = url(group, f"/sync/status?tid={thinkific_id}&seen={seen}")
    assert client.get(catch_up, headers=HTMX).status_code == 204  # nothing happened meanwhile

    run = start_group_sync(group)  # started elsewhere: the clock, a webhook, another admin
    answer = client.get(catch_up, headers=HTMX)
    assert answer.status_code == 200
    assert polls(answer.text)
    assert "Queued" in answer.text
    runner.execute(run.id)
    db.session.expire_all()
    assert client.get(catch_up, headers=HTMX).status_code == 200  # the sync changed the group


# --- Preview sync -----------------------------------------------------------------------------


def test_preview_shows_the_plan_with_reasons_and_writes_nothing(client, auth, site, make, emulator):
    group, thinkific_id = linked(site, make, "ann@example.com", "bob@example.com")
    site.add(thinkific_id, "cy@example.com")
    site.remove(thinkific_id, "bob@example.com")
    auth.login(Role.VIEWER)  # a preview is a read: viewers may look
    before, calls_before = database_rows(), len(emulator.control.requests())
    response = client.get(url(group, "/sync/preview"), headers=HTMX)
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<div class="sync-preview"')
    assert "<strong>1</strong> to add in the dashboard" in html
    assert "<strong>1</strong> to remove from the dashboard" in html
    assert "cy@example.com" in html
    assert "add to the dashboard: added in Thinkific since the last sync" in html
    assert "remove from the dashboard: removed in Thinkific since the last sync" in html
    assert database_rows() == before
    sent = emulator.control.requests()[calls_before:]
    assert sent
    assert {request["method"] for request in sent} == {"GET"}
    assert members(group) == {"ann@example.com", "bob@example.com"}


def test_preview_of_a_group_in_agreement_says_nothing_to_change(client, auth, site, make):
    group, _ = linked(site, make, "ann@example.com")
    auth.login()
    html = client.get(url(group, "/sync/preview"), headers=HTMX).text
    assert "Nothing to change" in html


def test_preview_without_htmx_is_a_page(client, auth, site, make):
    group, _ = linked(site, make, "ann@example.com")
    auth.login()
    html = client.get(url(group, "/sync/preview")).text
    assert "<h1>Preview sync of <bdi>Acme</bdi></h1>" in html
    assert "Nothing to change" in html


def test_preview_says_why_it_cannot_plan(client, auth, make, app):
    group = make.group("Acme", thinkific_id=123)
    make.assignment(group, direction=Direction.BIDIRECTIONAL)
    app.config["THINKIFIC_API_URL"] = "http://127.0.0.1:9/api/public/v1"
    app.config["THINKIFIC_RETRY"] = {"attempts": 1}
    auth.login()
    response = client.get(url(group, "/sync/preview"), headers=HTMX)
    assert response.status_code == 200
    assert "The sync could not plan this group:" in response.text


def test_preview_of_a_plan_above_the_removal_limit_warns(client, auth, site, make):
    group, thinkific_id = linked(site, make, *EMAILS)
    for email in EMAILS[:15]:
        site.remove(thinkific_id, email)
    auth.login()
    html = client.get(url(group, "/sync/preview"), headers=HTMX).text
    assert "<strong>15</strong> to remove from the dashboard" in html
    assert "a sync would pause and wait for an admin to approve it" in html


# --- a paused plan ----------------------------------------------------------------------------


def test_a_paused_plan_is_shown_with_approve_and_reject(client, auth, site, make):
    group = paused(site, make)
    auth.login()
    html = client.get(url(group)).text
    assert "Paused" in html
    assert "Waiting for approval" in html
    assert "its plan removes 15 members" in html
    assert "Nothing has been changed yet." in html
    assert html.count('<li class="change change--remove_local">') == 15
    assert "Show the other 5 changes" in html
    assert "Approve</button>" in html
    assert "Reject</button>" in html
    assert 'hx-confirm="Approve this plan?' in html


def pending_changes() -> int:
    """Changes of paused plans still waiting for an admin's answer."""
    query = select(func.count()).select_from(SyncEvent).filter_by(outcome=EventOutcome.PENDING)
    return db.session.scalar(query)


def test_approve_queues_the_approved_plan(client, auth, site, make):
    group = paused(site, make)
    auth.login()
    response = client.post(url(group, "/sync/approve"), headers=HTMX)
    assert response.status_code == 200
    assert "Approved: the sync of Acme now applies the 15 removals" in response.text
    assert polls(response.text)
    assert '<hx-partial hx-target="#group-sync-actions"' in response.text
    assert "Waiting for approval" not in response.text
    run = db.session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
    assert (run.group_id, run.state) == (group.id, RunState.QUEUED)
    assert pending_changes() == 0


def test_approve_with_redis_down_keeps_the_plan_waiting(client, auth, site, make, redis_outage):
    group = paused(site, make)
    auth.login()
    waiting = pending_changes()
    with redis_outage():
        response = client.post(url(group, "/sync/approve"), headers=HTMX)
    assert response.status_code == 503
    assert "Redis, where the queue lives, cannot be reached" in response.text
    db.session.expire_all()
    assert group.sync_state == SyncState.PAUSED
    assert pending_changes() == waiting >= 15
    html = client.get(url(group)).text
    assert "Waiting for approval" in html
    assert "Approve</button>" in html


def test_reject_keeps_the_members(client, auth, site, make):
    group = paused(site, make)
    auth.login()
    response = client.post(url(group, "/sync/reject"), headers=HTMX)
    assert "Rejected: the 15 members the plan would have removed stay in Acme" in response.text


def test_deciding_twice_says_there_is_nothing_to_decide(client, auth, site, make):
    group = paused(site, make)
    auth.login()
    client.post(url(group, "/sync/reject"), headers=HTMX)
    group.sync_state = SyncState.IDLE  # the rejected plan's run went through
    db.session.commit()
    response = client.post(url(group, "/sync/approve"), headers=HTMX)
    assert response.status_code == 409
    assert "Acme has no sync plan waiting for approval." in response.text
    assert response.headers["HX-Reswap"] == "none"


# --- manual actions ---------------------------------------------------------------------------


REASON = "remove from Thinkific: removed in the dashboard since the last sync"


def open_removal(group, user) -> ManualAction:
    action = ManualAction(group_id=group.id, user_id=user.id, reason=REASON, opened_at=utcnow())
    db.session.add(action)
    db.session.commit()
    return action


def test_open_manual_actions_say_who_why_since_and_where(client, auth, make, app):
    group = make.group("Acme")
    open_removal(group, make.user("ann@example.com"))
    app.config["THINKIFIC_API_URL"] = "https://api.thinkific.com/api/public/v1"
    auth.login(Role.VIEWER)
    html = client.get(url(group)).text
    assert "Manual actions (1 open)" in html
    assert "ann@example.com" in html
    assert "removed in the dashboard since the last sync" in html
    assert "just now" in html
    assert 'href="https://test-school.thinkific.com/manage/groups"' in html
    assert "does not document the address of one group" in html


def test_manual_actions_in_demo_mode_say_there_is_no_admin(client, auth, make):
    group = make.group("Acme")
    open_removal(group, make.user("ann@example.com"))
    auth.login()
    html = client.get(url(group)).text
    assert "Demo mode: the Thinkific emulator has no admin pages." in html
    assert "thinkific.com/manage" not in html


def test_unknown_group_sync_routes_are_404(client, auth):
    auth.login()
    assert client.post("/admin/groups/999/sync", headers=HTMX).status_code == 404
    assert client.get("/admin/groups/999/sync/preview").status_code == 404
    assert client.get("/admin/groups/999/sync/status", headers=HTMX).status_code == 404
