"""Undoing a run's course access over real HTTP: access it granted is ended, an end date it
moved is restored, a change made again since is skipped, and endings above the limit wait for
an admin's approval on the Access page, which carries out the undo."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import AccessEnrollment, EventOutcome, SyncEvent, utcnow
from dashboard.sync.undo import recorded_plan
from jobs.enqueue import start_undo
from jobs.undo.service import undo_in_foreground
from tests.fixtures.workers import wait_for
from tests.starting import approve_access_plan
from tests.sync.test_jobs import finished

from .helpers import configure, enrollments, learner, parse, school, sync, team_with_group

ANN, BOB = "ann@example.com", "bob@example.com"


def given(site, make, emulator, *emails, ends_on=None):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101", ends_on=ends_on)
    for email in emails:
        make.member(group, learner(site, make, email))
    return team, group


def expiry(emulator, email: str):
    return parse(enrollments(emulator.control)[(email, "Safety 101")]["expiry_date"])


def test_access_a_run_granted_is_ended_by_its_undo(site, make, emulator):
    given(site, make, emulator, ANN)
    run = sync()
    assert run.access_granted == 1
    undo = undo_in_foreground(run)
    assert undo.state == "succeeded", undo.error
    assert undo.access_ended == 1
    assert expiry(emulator, ANN) <= utcnow()
    db.session.expire_all()
    record = db.session.scalar(select(AccessEnrollment))
    assert record.ended_at is not None
    event = db.session.scalar(select(SyncEvent).filter_by(run_id=undo.id, action="end_access"))
    assert event.reason == f"end access to “Safety 101”: granted by run #{run.id}"


def test_an_end_date_a_run_moved_is_restored(site, make, emulator):
    team, _ = given(site, make, emulator, ANN, ends_on=date(2031, 3, 31))
    sync()
    configure(team, "Safety 101", ends_on=date(2030, 1, 31))
    run = sync()  # ends Ann's access sooner
    assert run.access_changed == 1
    assert expiry(emulator, ANN).date() == date(2030, 1, 31)
    undo = undo_in_foreground(run)
    assert undo.state == "succeeded", undo.error
    assert expiry(emulator, ANN).isoformat() == "2031-03-31T23:59:59+00:00"
    event = db.session.scalar(select(SyncEvent).filter_by(run_id=undo.id, action="extend_access"))
    assert "restore access to “Safety 101” (2031-03-31 23:59 UTC): shortened by run" in event.reason


def test_access_changed_again_by_a_later_run_is_skipped(site, make, emulator):
    team, _ = given(site, make, emulator, ANN, ends_on=date(2031, 3, 31))
    sync()
    configure(team, "Safety 101", ends_on=date(2030, 1, 31))
    run = sync()
    configure(team, "Safety 101", ends_on=date(2030, 6, 30))
    later = sync()
    (line,) = recorded_plan(run).access
    assert line.skipped == f"this access was changed again by run #{later.id}"
    undo_in_foreground(run)
    assert expiry(emulator, ANN).date() == date(2030, 6, 30)  # left as the later run made it


def test_endings_above_the_limit_wait_and_the_approval_carries_out_the_undo(
    app, site, make, emulator, workers
):
    limits = {"SYNC_REMOVAL_LIMIT": 1, "SYNC_REMOVAL_LIMIT_PERCENT": 0}
    app.config.update(limits)
    workers.config.update(limits)
    given(site, make, emulator, ANN, BOB)
    run = sync()
    assert run.access_granted == 2
    admin = make.account()
    undo = start_undo(run, admin)
    workers.start()
    wait_for(lambda: finished(undo.id), what="the undo to finish")
    waiting = db.session.scalars(
        select(SyncEvent).filter_by(run_id=undo.id, outcome=EventOutcome.PENDING)
    ).all()
    assert {event.email for event in waiting} == {ANN, BOB}
    assert expiry(emulator, ANN) is None  # nothing ended yet
    approval = approve_access_plan(admin)
    assert approval.undo_of_id == run.id
    done = wait_for(lambda: finished(approval.id), what="the approved endings")
    assert done.access_ended == 2, done.error
    assert expiry(emulator, ANN) <= utcnow()
    assert expiry(emulator, BOB) <= utcnow()
