"""Webhooks follow up with a targeted sync: the user's synced groups, and their access."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.groups import service
from dashboard.models import Direction, RunState, RunTrigger, SyncRun, User, WebhookDelivery
from dashboard.webhooks.envelope import sign
from jobs.enqueue import start_group_sync
from jobs.webhooks import process_delivery
from jobs.worker import run_worker
from tests.fixtures.workers import wait_for

from .helpers import configure, enrollments, school, sync, team_with_group

ANN = "ann@example.com"


@pytest.fixture
def app_config(app_config, emulator):
    """Each delivery followed up at once: these tests are about the runs a delivery starts
    (test_webhook_bursts.py, about how a burst's deliveries share them)."""
    return {
        **app_config,
        "THINKIFIC_WEBHOOK_SECRET": emulator.api_key,
        "WEBHOOK_COALESCE_SECONDS": 0,
    }


def delivery(topic: str, payload: dict, delivery_id: str = "20261127120000000000001") -> bytes:
    resource, action = topic.split(".")
    envelope = {
        "id": delivery_id,
        "resource": resource,
        "action": action,
        "tenant_id": "1",
        "created_at": "2026-11-27T12:00:00.000Z",
        "payload": payload,
    }
    return json.dumps(envelope).encode()


def post(client, body: bytes, secret: str | None):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Thinkific-Hmac-Sha256"] = sign(body, secret)
    return client.post("/webhooks/thinkific", data=body, headers=headers)


def runs(**filters) -> list[SyncRun]:
    db.session.expire_all()
    return db.session.scalars(select(SyncRun).filter_by(**filters).order_by(SyncRun.id)).all()


def prepared(site, make, emulator):
    """Ann in a pulled group (synced) and a Disabled one, both giving a course."""
    school(emulator.control, "Safety 101")
    site.group("Acme in Thinkific", ANN)
    sync()
    team, quiet = team_with_group(make)
    configure(team, "Safety 101")
    synced = service.find_group_by_name("Acme in Thinkific")
    make.assignment(synced, team, Direction.THINKIFIC_TO_DASHBOARD)
    sync(synced)
    ann = db.session.scalar(select(User).filter_by(email=ANN))
    make.member(quiet, ann)
    return ann, synced, quiet


def test_a_signed_webhook_syncs_the_users_groups_and_access(site, make, emulator, app, client):
    ann, synced, _ = prepared(site, make, emulator)
    payload = {"id": ann.thinkific_id, "email": ANN, "first_name": "Ann", "last_name": "Lee"}
    assert post(client, delivery("user.updated", payload), emulator.api_key).status_code == 202
    run_worker(app, burst=True)  # the webhook job, then the runs it queued
    (group_run,) = runs(trigger=RunTrigger.WEBHOOK, access_only=False)
    assert group_run.group_id == synced.id  # only the group whose links sync
    assert group_run.state == RunState.SUCCEEDED, group_run.error
    (access_run,) = runs(trigger=RunTrigger.WEBHOOK, access_only=True)
    assert access_run.state == RunState.SUCCEEDED, access_run.error
    assert db.session.get(User, ann.id).first_name == "Ann"


def test_a_webhook_reads_only_that_users_enrollments(site, make, emulator, app, client):
    ann, _, _ = prepared(site, make, emulator)
    body = delivery("enrollment.created", {"id": 1, "user": {"id": ann.thinkific_id, "email": ANN}})
    post(client, body, emulator.api_key)
    process_delivery("20261127120000000000001")  # queues the group's run and the access run
    emulator.control.clear_stats()
    run_worker(app, burst=True)
    assert all(run.state == RunState.SUCCEEDED for run in runs(trigger=RunTrigger.WEBHOOK))
    reads = [r["query"] for r in emulator.control.requests() if r["endpoint"] == "GET /enrollments"]
    by_user = urlencode({"query[user_id]": ann.thinkific_id, "limit": 250, "page": 1})
    assert reads == [by_user, by_user]  # the group's run and the access run: one call each


def test_a_group_with_a_live_run_is_not_queued_twice(site, make, emulator, client):
    ann, synced, _ = prepared(site, make, emulator)
    live = start_group_sync(synced)  # queued, not run
    post(client, delivery("user.updated", {"id": ann.thinkific_id, "email": ANN}), emulator.api_key)
    process_delivery("20261127120000000000001")
    assert [run.id for run in runs(group_id=synced.id, state=RunState.QUEUED)] == [live.id]
    assert len(runs(access_only=True)) == 1


def test_a_repeated_webhook_queues_nothing_more(site, make, emulator, app, client):
    ann, _, _ = prepared(site, make, emulator)
    body = delivery("user.updated", {"id": ann.thinkific_id, "email": ANN})
    assert post(client, body, emulator.api_key).status_code == 202
    run_worker(app, burst=True)
    before = len(runs())
    second = post(client, body, emulator.api_key)
    assert (second.status_code, second.json["status"]) == (200, "duplicate")
    run_worker(app, burst=True)
    assert len(runs()) == before


@pytest.mark.parametrize("secret", [None, "someone-else"])
def test_a_bad_or_missing_signature_starts_nothing(site, make, emulator, client, secret):
    ann, _, _ = prepared(site, make, emulator)
    before = len(runs())
    body = delivery("user.updated", {"id": ann.thinkific_id, "email": ANN})
    assert post(client, body, secret).status_code == 401
    assert db.session.scalar(select(WebhookDelivery.id)) is None
    assert len(runs()) == before


def test_a_user_in_no_team_gets_no_runs(make, emulator, client):
    user = make.user(email=ANN, thinkific_id=501)
    post(
        client,
        delivery("user.updated", {"id": 501, "email": ANN, "first_name": "A"}),
        emulator.api_key,
    )
    process_delivery("20261127120000000000001")
    assert runs() == []
    assert db.session.get(User, user.id).first_name == "A"


def test_a_signup_webhook_from_the_emulator_enrolls_the_new_user(
    site, make, emulator, live_server, workers
):
    school(emulator.control, "Safety 101")
    sync()
    team, group = team_with_group(make)
    configure(team, "Safety 101")
    make.member(group, make.user(email=ANN))  # known here before they have a Thinkific account
    thinkific_id = emulator.control.create_user(ANN, "Ann", last_name="Lee")["id"]
    answer = emulator.control.send_webhook(
        f"{live_server}/webhooks/thinkific", "user.signup", user_id=thinkific_id
    )
    assert answer["status"] == 202, answer
    workers.start(burst=True).wait(timeout=60)
    (run,) = wait_for(lambda: runs(access_only=True), what="the access run")
    assert run.state == RunState.SUCCEEDED, run.error
    assert run.access_granted == 1
    assert enrollments(emulator.control)[(ANN, "Safety 101")]["user_id"] == thinkific_id
    assert emulator.control.user_by_email(ANN)["id"] == thinkific_id  # nobody created twice
