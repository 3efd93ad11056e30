"""Applying Thinkific webhook deliveries in the background: refresh the user the delivery
names, then follow up with sync runs of their groups and of their course access.

A burst of deliveries is followed up once: each delivery adds its user's synced groups and the
user to pending sets in Redis and, if no follow-up is scheduled yet, schedules one (RQ's
`enqueue_in`). The follow-up waits until the burst pauses for WEBHOOK_COALESCE_SECONDS (at most
LONGEST_WAIT windows after it began), then starts one targeted run per pending group and one
access run for all the pending users. Nothing is lost: a group whose run was already under way
goes back into the pending set and gets a run of its own once that one ends.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from dashboard.extensions import db
from dashboard.models import RunState, RunTrigger, User, WebhookDelivery
from dashboard.redis_client import get_redis
from dashboard.webhooks.envelope import Envelope
from dashboard.webhooks.service import (
    apply_delivery,
    groups_to_sync,
    has_access_to_refresh,
    record_delivery,
    still_synced,
)

from .enqueue import WEBHOOK_QUEUE, schedule_webhook_follow_up, start_access_sync, start_group_sync
from .queues import queue

PENDING_GROUPS = "webhooks:pending:groups"
PENDING_USERS = "webhooks:pending:users"
FOLLOW_UP = "webhooks:follow-up"  # while a follow-up is scheduled: when its burst began
LAST_GATHERED = "webhooks:last-gathered"
LONGEST_WAIT = 12  # windows: a burst that never pauses is still followed up this often
BUSY_RETRY = 1  # seconds at least before a group whose run was under way is looked at again


def receive(envelope: Envelope) -> str:
    """Record a delivery once and queue its work; returns queued, ignored or duplicate."""
    status = record_delivery(envelope)
    if status == "queued":
        enqueue_delivery(envelope.id)
    return status


def enqueue_delivery(delivery_id: str) -> None:
    queue(WEBHOOK_QUEUE).enqueue(process_delivery, delivery_id, job_id=f"webhook-{delivery_id}")


def process_delivery(delivery_id: str) -> str | None:
    """Refresh the user a delivery names; a delivery already processed is left alone."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.processed_at is not None:
        return None
    user = apply_delivery(delivery)
    if user is not None and delivery.outcome == "refreshed":
        gather(user)
    return delivery.outcome


def gather(user: User) -> None:
    """Add the user's synced groups and access to the pending follow-up, and make sure one is
    scheduled (at once when the window is 0)."""
    group_ids = [group.id for group in groups_to_sync(user)]
    user_ids = [user.id] if has_access_to_refresh(user) else []
    db.session.rollback()  # the reads' transaction ends before Redis is called
    if not (group_ids or user_ids):
        return
    add_pending(group_ids, user_ids)
    window = coalesce_seconds()
    if window == 0:
        follow_up()
    else:
        schedule(window)


def follow_up() -> None:
    """The follow-up job: once the burst has paused, one run per pending group and one access
    run for the pending users; while it goes on, look again later."""
    wait = still_gathering(coalesce_seconds())
    if wait > 0:
        schedule_webhook_follow_up(wait)
        return
    get_redis().delete(FOLLOW_UP)  # a delivery from now on schedules a follow-up of its own
    group_ids, user_ids = take_pending()
    try:
        start_runs(group_ids, user_ids)
    except Exception:
        add_pending(group_ids, user_ids)  # a follow-up tries them again
        schedule(max(coalesce_seconds(), BUSY_RETRY))
        raise


def start_runs(group_ids: Iterable[int], user_ids: Iterable[int]) -> None:
    busy = []
    for group in still_synced(group_ids):
        run = start_group_sync(group, RunTrigger.WEBHOOK)
        if run.state == RunState.RUNNING:  # under way before these deliveries: it may miss them
            busy.append(group.id)
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))).all()
    if users:
        start_access_sync(users, RunTrigger.WEBHOOK)
    db.session.rollback()
    if busy:
        add_pending(busy, [])
        schedule(max(coalesce_seconds(), BUSY_RETRY))


def add_pending(group_ids: Iterable[int], user_ids: Iterable[int]) -> None:
    group_ids, user_ids = list(group_ids), list(user_ids)
    with get_redis().pipeline() as pipe:
        if group_ids:
            pipe.sadd(PENDING_GROUPS, *group_ids)
        if user_ids:
            pipe.sadd(PENDING_USERS, *user_ids)
        pipe.set(LAST_GATHERED, time.time())
        pipe.execute()


def take_pending() -> tuple[list[int], list[int]]:
    """The pending groups and users, emptied in the same step."""
    with get_redis().pipeline() as pipe:
        pipe.smembers(PENDING_GROUPS).delete(PENDING_GROUPS)
        pipe.smembers(PENDING_USERS).delete(PENDING_USERS)
        groups, _, users, _ = pipe.execute()
    return sorted(int(g) for g in groups), sorted(int(u) for u in users)


def schedule(window: float) -> None:
    """Schedule the follow-up unless one is already scheduled (it gathers this one too)."""
    expires = int(LONGEST_WAIT * window) + 120  # a lost follow-up does not block the next ones
    if get_redis().set(FOLLOW_UP, time.time(), nx=True, ex=expires):
        schedule_webhook_follow_up(window)


def still_gathering(window: float) -> float:
    """Seconds until the burst has paused for a window, or LONGEST_WAIT windows since it began
    (0 when the follow-up may start now)."""
    began, last = get_redis().mget(FOLLOW_UP, LAST_GATHERED)
    if began is None or last is None:
        return 0
    until = min(float(last) + window, float(began) + LONGEST_WAIT * window)
    wait = until - time.time()
    return wait if wait >= 0.5 else 0  # the scheduler looks once a second


def coalesce_seconds() -> int:
    return current_app.config["WEBHOOK_COALESCE_SECONDS"]
