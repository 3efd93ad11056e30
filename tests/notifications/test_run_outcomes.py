"""What a sync run leaves for admins becomes a notification, once: a plan waiting for approval,
a failed run, a group deleted in Thinkific, credentials Thinkific rejects; and the clock's
daily check of manual actions left open. A notification that cannot be scheduled never breaks
the sync, and is picked up later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rq import Queue
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import (
    Direction,
    Group,
    ManualAction,
    Notification,
    NotificationDelivery,
    NotificationDigest,
    RunState,
    RunTrigger,
    utcnow,
)
from dashboard.notifications import Kind
from dashboard.redis_client import get_redis
from dashboard.runs import lifecycle as runs
from jobs.notification_events import check_manual_actions, run_ended
from tests.fixtures.thinkific import against_emulator
from tests.sync.helpers import sync


@pytest.fixture
def app_config(app_config, thinkific_config, emulator) -> dict:
    return against_emulator(app_config, thinkific_config, emulator, SYNC_HEARTBEAT_SECONDS=3)


def notifications() -> list[tuple[str, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    return [(row.kind, row.text, row.link) for row in rows]


def digests_scheduled() -> set[str]:
    scheduled = Queue("default", connection=get_redis()).scheduled_job_registry
    jobs = [Queue("default", connection=get_redis()).fetch_job(i) for i in scheduled.get_job_ids()]
    return {job.args[0] for job in jobs if job is not None}


def paused_group(site, make) -> Group:
    site.group("Acme", "a@example.com", "b@example.com")
    sync()
    group = db.session.scalar(select(Group).filter_by(name="Acme"))
    make.assignment(group, direction=Direction.DASHBOARD_TO_THINKIFIC, just_made=True)
    return group


def test_a_paused_plan_tells_admins_where_to_approve_it_once(site, make):
    group = paused_group(site, make)
    run = sync(group)
    assert run.state == RunState.SUCCEEDED, run.error
    assert notifications() == [
        (
            "plan_waiting",
            f"“Acme”: a sync plan with 2 removals waits for your approval (run #{run.id}).",
            f"/admin/groups/{group.id}",
        )
    ]
    assert digests_scheduled() == {"plan_waiting"}
    run_ended(run)  # the same run told again (a re-delivered job) adds nothing
    assert len(notifications()) == 1


def test_rejected_credentials_and_the_failed_run_are_told(site, app):
    app.config["THINKIFIC_API_KEY"] = "not-the-key"
    run = sync()
    assert run.state == RunState.FAILED
    told = notifications()
    assert [kind for kind, _, _ in told] == ["run_failed", "credentials_rejected"]
    assert told[0][1].startswith(f"Sync run #{run.id} (all groups) failed: Could not list")
    assert told[0][2] == f"/admin/sync-runs/{run.id}"
    assert told[1][2] == "/admin/settings/"
    sync()  # failing again the same day: the run is told, the credentials are not again
    assert [kind for kind, _, _ in notifications()].count("credentials_rejected") == 1
    assert [kind for kind, _, _ in notifications()].count("run_failed") == 2


def test_a_group_deleted_in_thinkific_is_told(site, make, emulator):
    thinkific_id = site.group("Acme", "a@example.com")
    sync()
    group = db.session.scalar(select(Group).filter_by(name="Acme"))
    emulator.control.delete_group(thinkific_id)
    sync()
    assert notifications() == [
        (
            "group_deleted",
            "“Acme” is no longer listed by Thinkific: its team links are paused.",
            f"/admin/groups/{group.id}",
        )
    ]


def test_a_notification_that_cannot_be_scheduled_never_breaks_the_sync(site, make, redis_outage):
    group = paused_group(site, make)
    run = sync(group)
    db.session.execute(db.delete(Notification))
    db.session.commit()
    get_redis().flushdb()
    with redis_outage():
        run_ended(run)  # as the run's end calls it: Redis is down, nothing is raised
    assert [kind for kind, _, _ in notifications()] == ["plan_waiting"]
    assert digests_scheduled() == set()
    check_manual_actions()  # the clock's daily job schedules what was left unscheduled
    assert digests_scheduled() == {"plan_waiting"}


def test_manual_actions_open_too_long_are_told_once_by_the_daily_check(app, make):
    group = make.group("Acme")
    old, recent = make.member(group), make.member(group)
    for user, days in ((old, 8), (recent, 2)):
        db.session.add(
            ManualAction(
                group_id=group.id, user_id=user.id, opened_at=utcnow() - timedelta(days=days)
            )
        )
    db.session.commit()
    old_email, group_id = old.email, group.id
    assert check_manual_actions() == "1 manual actions open too long"
    (told,) = notifications()
    assert told[0] == Kind.MANUAL_ACTIONS_OPEN
    assert told[1].startswith(f"“Acme”: remove {old_email} from the group in Thinkific's admin")
    assert told[2] == f"/admin/groups/{group_id}"
    assert check_manual_actions() == "0 manual actions open too long"


def test_a_run_whose_worker_died_is_told_as_failed(app):
    run = runs.new_run(RunTrigger.SCHEDULE, state=RunState.RUNNING)  # no worker beats for it
    db.session.commit()
    assert runs.reap() == [run]
    ((kind, text, link),) = notifications()
    assert kind == "run_failed"
    assert text == f"Sync run #{run.id} (all groups) failed: {runs.DIED}"
    assert link == f"/admin/sync-runs/{run.id}"


def test_a_delivery_the_queue_missed_is_queued_again_by_the_daily_check(app):
    digest = NotificationDigest(
        kind="run_failed", subject="s", body="b", created_at=utcnow() - timedelta(hours=1)
    )
    db.session.add(digest)
    db.session.flush()
    missed = NotificationDelivery(digest_id=digest.id, channel="email", recipients="a@b.c")
    db.session.add(missed)
    db.session.commit()
    missed_id = missed.id
    check_manual_actions()
    assert f"notification-delivery-{missed_id}" in Queue("default", connection=get_redis()).job_ids
