"""Applying Thinkific webhook deliveries in the background: refresh the user the delivery
names, then sync their groups and refresh their course access (each a sync run of its own, on
the sync queue; a group that already has a live run keeps that one)."""

from __future__ import annotations

from dashboard.extensions import db
from dashboard.models import RunTrigger, User, WebhookDelivery

from .connection import queue
from .enqueue import start_access_sync, start_group_sync


def enqueue_delivery(delivery_id: str) -> None:
    queue("default").enqueue(process_delivery, delivery_id, job_id=f"webhook-{delivery_id}")


def process_delivery(delivery_id: str) -> str | None:
    """Refresh the user a delivery names; a delivery already processed is left alone."""
    from dashboard.webhooks.service import apply_delivery

    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.processed_at is not None:
        return None
    user = apply_delivery(delivery)
    if user is not None and delivery.outcome == "refreshed":
        follow_up(user)
    return delivery.outcome


def follow_up(user: User) -> None:
    """A targeted sync of the user's synced groups, and a refresh of their access."""
    from dashboard.webhooks.service import groups_to_sync, has_access_to_refresh

    for group in groups_to_sync(user):
        start_group_sync(group, RunTrigger.WEBHOOK)
    if has_access_to_refresh(user):
        start_access_sync([user], RunTrigger.WEBHOOK)
