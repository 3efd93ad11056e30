"""A burst of webhook deliveries shares its follow-up: one run per group and one access run,
started once the deliveries pause, with every change applied."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Direction, Group, RunState, RunTrigger, SyncRun, User, WebhookDelivery
from dashboard.redis_client import get_redis
from jobs.enqueue import WEBHOOK_QUEUE, start_group_sync
from jobs.queues import queue
from jobs.webhooks import FOLLOW_UP, PENDING_GROUPS, PENDING_USERS
from tests.fixtures.workers import wait_for
from tests.sync.helpers import members

from .helpers import configure, enrollments, school, sync
from .test_webhook_access import delivery, post

GROUPS = {  # 10 learners in 3 Thinkific groups
    "North": [f"north{n}@example.com" for n in range(4)],
    "South": [f"south{n}@example.com" for n in range(3)],
    "West": [f"west{n}@example.com" for n in range(3)],
}
LEARNERS = [email for emails in GROUPS.values() for email in emails]
DELIVERIES_EACH = 5


@pytest.fixture
def app_config(app_config, emulator):
    return {
        **app_config,
        "THINKIFIC_WEBHOOK_SECRET": emulator.api_key,
        "WEBHOOK_COALESCE_SECONDS": 2,
    }


def linked_school(site, make, emulator) -> dict[str, int]:
    """The three groups pulled from Thinkific into one team; the team's course is chosen
    afterwards, so nobody is enrolled yet. Returns each group's Thinkific id."""
    school(emulator.control, "Safety 101")
    ids = {name: site.group(name, *emails) for name, emails in GROUPS.items()}
    sync()
    team = make.team("Acme")
    for name in GROUPS:
        group = service.find_group_by_name(name)
        make.assignment(group, team, Direction.THINKIFIC_TO_DASHBOARD)
        sync(group)
    configure(team, "Safety 101")
    return ids


def send_burst(client, emulator) -> None:
    """Five deliveries for each learner, all renaming them (as Thinkific retries and repeats)."""
    users = {u["email"]: u["id"] for u in emulator.control.users()}
    for round_ in range(DELIVERIES_EACH):
        for index, email in enumerate(LEARNERS):
            payload = {"id": users[email], "email": email, "first_name": f"Renamed{index}"}
            body = delivery("user.updated", payload, f"2026120600000{round_}{index:08}")
            assert post(client, body, emulator.api_key).status_code == 202


def webhook_runs() -> list[SyncRun]:
    db.session.expire_all()
    return db.session.scalars(
        select(SyncRun).filter_by(trigger=RunTrigger.WEBHOOK).order_by(SyncRun.id)
    ).all()


def processed() -> int:
    db.session.expire_all()
    return len(
        db.session.scalars(
            select(WebhookDelivery.id).where(WebhookDelivery.processed_at.is_not(None))
        ).all()
    )


def follow_up_done() -> list[SyncRun] | None:
    """The webhook runs, once nothing is left to do: no delivery or follow-up queued, under
    way or scheduled, nothing pending, and every run ended."""
    webhooks = queue(WEBHOOK_QUEUE)
    left = webhooks.count + webhooks.started_job_registry.count
    left += webhooks.scheduled_job_registry.count
    if left or get_redis().exists(FOLLOW_UP, PENDING_GROUPS, PENDING_USERS):
        return None
    done = webhook_runs()
    live = (RunState.QUEUED, RunState.RUNNING)
    return done if done and all(run.state not in live for run in done) else None


def test_fifty_deliveries_for_ten_users_in_three_groups_start_four_runs(
    site, make, emulator, client, workers
):
    ids = linked_school(site, make, emulator)
    for name in GROUPS:  # changes in Thinkific the groups' runs bring in
        site.add(ids[name], f"new.{name.lower()}@example.com")
    workers.start(), workers.start()
    send_burst(client, emulator)
    runs = wait_for(
        lambda: processed() == 50 and follow_up_done(),
        timeout=90,
        what="every delivery processed and the burst's runs ended",
    )

    assert len(runs) == 4, [(run.group_id, run.access_only) for run in runs]
    groups = {service.find_group_by_name(name).id: name for name in GROUPS}
    assert sorted(run.group_id for run in runs if not run.access_only) == sorted(groups)
    assert all(run.state == RunState.SUCCEEDED for run in runs), [run.error for run in runs]
    deliveries = db.session.scalars(select(WebhookDelivery)).all()
    assert len(deliveries) == 50
    assert {d.outcome for d in deliveries} == {"refreshed"}
    names = dict(db.session.execute(select(User.email, User.first_name)).all())
    assert all(names[email] == f"Renamed{i}" for i, email in enumerate(LEARNERS))
    for group_id, name in groups.items():
        expected = {*GROUPS[name], f"new.{name.lower()}@example.com"}
        assert members(db.session.get(Group, group_id)) == expected
    enrolled = enrollments(emulator.control)
    assert all((email, "Safety 101") in enrolled for email in LEARNERS)


def test_a_delivery_during_its_groups_run_gets_a_run_after_it(
    site, make, emulator, client, workers
):
    ids = linked_school(site, make, emulator)
    north = service.find_group_by_name("North")
    emulator.control.configure(latency=0.3)  # the group's run is still going when it arrives
    under_way = start_group_sync(north)
    workers.start(), workers.start()
    wait_for(
        lambda: (
            db.session.get(SyncRun, under_way.id, populate_existing=True).state == RunState.RUNNING
        ),
        what="the group's run to start",
    )
    site.add(ids["North"], "late@example.com")  # after the run has read the group
    user = emulator.control.user_by_email(GROUPS["North"][0])
    body = delivery("user.updated", {"id": user["id"], "email": user["email"], "first_name": "X"})
    assert post(client, body, emulator.api_key).status_code == 202
    wait_for(follow_up_done, timeout=90, what="the follow-up run to end")
    emulator.control.configure(latency=0)

    db.session.expire_all()
    assert db.session.get(SyncRun, under_way.id).state == RunState.SUCCEEDED
    (follow_up,) = [run for run in webhook_runs() if run.group_id == north.id]
    assert follow_up.id > under_way.id
    assert follow_up.state == RunState.SUCCEEDED
    assert "late@example.com" in members(north)
