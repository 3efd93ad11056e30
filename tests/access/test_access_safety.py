"""Access on the group sync's rails (DESIGN §4.5): mass endings wait for an admin, a failed read
ends nothing, a dry run writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.access.service import NoAccessPlanWaiting, paused_access
from dashboard.extensions import db
from dashboard.models import EventOutcome, RunState, SyncEvent, SyncRun
from jobs.enqueue import reject_access_plan
from jobs.preview import preview_all, preview_group
from tests.starting import approve_access_plan
from tests.sync.helpers import database_rows

from .helpers import access_events, configure, enrollments, learner, school, sync, team_with_group

EMAILS = [f"m{i:02}@example.com" for i in range(15)]


def granted(site, make, emulator, emails=EMAILS):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    for email in emails:
        make.member(group, learner(site, make, email))
    assert sync().access_granted == len(emails)
    return team, group


def expired(emulator) -> set[str]:
    return {email for (email, _), e in enrollments(emulator.control).items() if e["expired"]}


def test_ending_access_above_the_limit_waits_for_an_admin(site, make, emulator):
    team, _ = granted(site, make, emulator)
    team.courses = []  # 15 endings: above 10 and above 20 %
    db.session.commit()
    run = sync()
    assert run.state == RunState.SUCCEEDED
    assert run.access_ended == 0
    assert expired(emulator) == set()  # nothing ended before approval
    paused_run, events = paused_access()
    assert paused_run.id == run.id
    assert {(e.action, e.outcome) for e in events} == {("end_access", EventOutcome.PENDING)}
    assert {e.email for e in events} == set(EMAILS)
    summary = db.session.scalar(
        select(SyncEvent.reason).filter_by(action="sync_access", run_id=run.id)
    )
    assert summary.endswith("the 15 endings wait for an admin's approval (above the removal limit)")
    again = sync()  # the next poll holds them again, and the newer plan replaces the old one
    assert expired(emulator) == set()
    assert paused_access()[0].id == again.id


def test_grants_go_ahead_while_endings_wait(site, make, emulator):
    team, _ = granted(site, make, emulator)
    team.courses = []
    db.session.commit()
    other, other_group = team_with_group(make, "Beta")
    configure(other, "Safety 101")
    make.member(other_group, learner(site, make, "new@example.com"))
    run = sync()
    assert (run.access_granted, run.access_ended) == (1, 0)
    assert len(paused_access()[1]) == 15


def test_approval_ends_the_access_on_a_worker(site, make, emulator, workers):
    team, _ = granted(site, make, emulator)
    team.courses = []
    db.session.commit()
    sync()
    admin = make.account()
    run = approve_access_plan(admin)
    assert run.access_only
    workers.start(burst=True).wait(timeout=60)
    db.session.expire_all()
    run = db.session.get(SyncRun, run.id)
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.access_ended == 15
    assert expired(emulator) == set(EMAILS)
    assert paused_access() == (None, [])
    answered = db.session.scalars(select(SyncEvent.error).filter_by(outcome="skipped")).all()
    assert set(answered) == {f"approved by {admin.email}"}


def test_rejection_keeps_the_access_and_later_syncs_leave_it(site, make, emulator):
    team, _ = granted(site, make, emulator)
    team.courses = []
    db.session.commit()
    sync()
    assert reject_access_plan(make.account()) == 15
    assert paused_access() == (None, [])
    run = sync()
    assert (run.access_ended, paused_access()) == (0, (None, []))
    assert expired(emulator) == set()
    configure(team, "Safety 101")  # given again: the kept mark goes, later endings count
    sync()
    team.courses = []
    db.session.commit()
    sync()
    assert len(paused_access()[1]) == 15


def test_only_waiting_endings_can_be_decided(app):
    with pytest.raises(NoAccessPlanWaiting):
        approve_access_plan(None)
    with pytest.raises(NoAccessPlanWaiting):
        reject_access_plan(None)


def test_a_few_endings_do_not_wait(site, make, emulator):
    from dashboard.groups import service
    from dashboard.models import MemberSource, User

    _, group = granted(site, make, emulator)
    for email in EMAILS[:3]:
        user = db.session.scalar(select(User).filter_by(email=email))
        service.remove_member(group, user, MemberSource.DASHBOARD)
    db.session.commit()
    assert sync().access_ended == 3
    assert expired(emulator) == set(EMAILS[:3])


def test_a_failed_read_ends_nothing_and_says_why(site, make, emulator, quick_retries):
    team, _ = granted(site, make, emulator, EMAILS[:3])
    team.courses = []
    db.session.commit()
    emulator.control.add_fault("server_error", method="GET", path="/api/public/v1/enrollments")
    emulator.control.clear_stats()
    run = sync()
    assert run.state == RunState.PARTIAL
    assert run.access_ended == 0
    assert "access: Could not read enrollments from Thinkific" in run.error
    assert expired(emulator) == set()
    writes = [r for r in emulator.control.requests() if r["method"] == "PUT"]
    assert writes == []
    (failure,) = db.session.scalars(select(SyncEvent).filter_by(run_id=run.id)).all()
    assert (failure.action, failure.outcome) == ("sync_access", EventOutcome.FAILED)
    assert failure.reason == "access of everyone not synced: nothing was enrolled or ended"


def test_a_failed_change_is_retried_by_the_next_sync(site, make, emulator, quick_retries):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    make.member(group, learner(site, make, EMAILS[0]))
    emulator.control.add_fault("server_error", method="POST", path="*/enrollments", times=3)
    run = sync()
    assert (run.state, run.access_granted, run.failures) == (RunState.PARTIAL, 0, 1)
    (event,) = access_events(run)
    assert event.outcome == EventOutcome.FAILED
    assert sync().access_granted == 1


def test_preview_shows_the_access_plan_and_writes_nothing(site, make, emulator):
    team, group = granted(site, make, emulator, EMAILS[:2])
    team.courses = []
    db.session.commit()
    other, other_group = team_with_group(make, "Beta")
    configure(other, "Safety 101")
    make.member(other_group, learner(site, make, "new@example.com"))
    before_db, before_site = database_rows(), enrollments(emulator.control)
    emulator.control.clear_stats()
    everyone = preview_all().access
    assert everyone.error is None
    rows = {(row.email, row.action) for row in everyone.rows()}
    assert rows == {
        ("new@example.com", "grant_access"),
        (EMAILS[0], "end_access"),
        (EMAILS[1], "end_access"),
    }
    assert not everyone.needs_approval()
    members_only = preview_group(group).access
    assert {row.email for row in members_only.rows()} == set(EMAILS[:2])
    assert database_rows() == before_db
    assert enrollments(emulator.control) == before_site
    assert {r["method"] for r in emulator.control.requests()} == {"GET"}


def test_dry_run_on_the_command_line_prints_access_and_writes_nothing(site, make, emulator, app):
    granted(site, make, emulator, EMAILS[:1])
    db.session.execute(db.text("DELETE FROM team_courses"))
    db.session.commit()
    before = database_rows()
    result = app.test_cli_runner().invoke(args=["sync", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "access of everyone: 1 to end" in result.output
    assert f"{EMAILS[0]}: end access to “Safety 101”: none of their teams (Acme)" in result.output
    assert database_rows() == before
