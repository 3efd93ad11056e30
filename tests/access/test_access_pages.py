"""The Access page and the access shown on the Teams, team, group and user pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import AccessEnrollment, Role, SyncRun
from tests.fixtures.app import HTMX

from .helpers import configure, learner, school, sync, team_with_group

EMAILS = [f"m{i:02}@example.com" for i in range(12)]


def paused(site, make, emulator):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    for email in EMAILS:
        make.member(group, learner(site, make, email))
    sync()
    team.courses = []
    db.session.commit()
    sync()
    return team


def test_endings_waiting_show_on_the_access_page_and_the_teams_list(
    site, make, emulator, client, auth
):
    paused(site, make, emulator)
    auth.login(Role.VIEWER)
    page = client.get("/admin/access/").text
    assert page.count('id="waiting-') == 12
    assert '">m00@example.com</a></td>' in page  # each user links to their page
    assert "none of their teams (Acme) gives this course any more" in page
    assert "Approve and end" not in page  # viewers look, never change
    teams = client.get("/admin/teams/").text
    assert "Access sync paused: 12 access endings wait for an admin's approval." in teams
    assert client.post("/admin/access/approve", headers=HTMX).status_code == 403


def test_approve_in_place_queues_the_run_that_ends_them(site, make, emulator, client, auth):
    paused(site, make, emulator)
    auth.login()
    response = client.post("/admin/access/approve", headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="access-waiting"')
    assert "Nothing waits for approval." in response.text
    assert "Approved: run" in response.text  # the flash rides along
    run = db.session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
    assert (run.access_only, run.state) == (True, "queued")


def test_approve_with_redis_down_leaves_endings_waiting(
    site, make, emulator, client, auth, redis_outage
):
    paused(site, make, emulator)
    auth.login()
    with redis_outage():
        response = client.post("/admin/access/approve", headers=HTMX)
    assert response.status_code == 503
    assert "Redis, where the queue lives, cannot be reached" in response.text
    assert "The endings still wait for approval." in response.text
    page = client.get("/admin/access/").text
    assert page.count('id="waiting-') == 12
    assert "Approve and end" in page
    run = db.session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()
    assert run.state == "failed"  # the run that never reached the queue says so
    assert "Could not be queued" in run.error


def test_sync_now_with_redis_down_says_so(client, auth, redis_down):
    auth.login()
    response = client.post("/admin/access/sync", headers=HTMX)
    assert response.status_code == 503
    assert "Redis, where the queue lives, cannot be reached" in response.text
    assert db.session.scalar(select(SyncRun).where(SyncRun.state == "queued")) is None


def test_reject_in_place_keeps_the_access(site, make, emulator, client, auth):
    paused(site, make, emulator)
    auth.login()
    response = client.post("/admin/access/reject", headers=HTMX)
    assert "Rejected: the access of 12 users is kept" in response.text
    kept = db.session.scalars(select(AccessEnrollment.kept_at)).all()
    assert len(kept) == 12
    assert all(kept)
    again = client.post("/admin/access/reject", headers=HTMX)
    assert "No access ending is waiting for approval." in again.text


def test_preview_lists_every_change_with_its_reason(site, make, emulator, client, auth):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101", ends_on=date(2030, 6, 30))
    make.member(group, learner(site, make, "ann@example.com"))
    auth.login(Role.VIEWER)
    fragment = client.get("/admin/access/preview", headers=HTMX).text
    assert "1 to enroll" in fragment
    assert "enroll in “Safety 101”: given by team Acme (until 2030-06-30)" in fragment
    assert "grant access" in fragment
    assert emulator.control.enrollments() == []


def test_sync_now_starts_the_whole_sync_and_polls_while_it_runs(client, auth, app):
    auth.login()
    response = client.post("/admin/access/sync", headers=HTMX)
    assert response.status_code == 200
    assert 'hx-trigger="every ' in response.text
    assert "Queued" in response.text
    run = db.session.scalar(select(SyncRun))
    assert (run.group_id, run.access_only) == (None, False)


def test_the_idle_status_brings_endings_a_sync_left_waiting(site, make, emulator, client, auth):
    auth.login()
    page = client.get("/admin/access/").text
    assert "Nothing waits for approval." in page
    assert 'data-polling="no"' in page
    paused(site, make, emulator)  # a sync started elsewhere paused 12 endings meanwhile
    answer = client.get("/admin/access/status", headers=HTMX).text
    assert '<hx-partial hx-target="#access-waiting"' in answer
    assert answer.count('id="waiting-') == 12


def test_without_htmx_the_forms_come_back_to_the_page(client, auth):
    auth.login()
    response = client.post("/admin/access/reject")
    assert (response.status_code, response.headers["Location"]) == (303, "/admin/access/")


def test_the_group_detail_shows_what_each_team_gives(make, client, auth):
    from dashboard.models import Course

    db.session.add(Course(thinkific_id=2001, name="Safety <101>"))
    db.session.commit()
    team, group = team_with_group(make)
    configure(team, "Safety <101>", seat_limit=25, ends_on=date(2030, 6, 30))
    auth.login()
    page = client.get(f"/admin/groups/{group.id}").text
    assert "Safety &lt;101&gt; · 25 seats · until 2030-06-30" in " ".join(page.split())
