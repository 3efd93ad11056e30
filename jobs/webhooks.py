"""Applying Thinkific webhook deliveries in the background."""

from __future__ import annotations

from dashboard.extensions import db
from dashboard.models import WebhookDelivery

from .connection import queue


def enqueue_delivery(delivery_id: str) -> None:
    queue("default").enqueue(process_delivery, delivery_id, job_id=f"webhook-{delivery_id}")


def process_delivery(delivery_id: str) -> str | None:
    """Refresh the user a delivery names; a delivery already processed is left alone."""
    from dashboard.webhooks.service import apply_delivery

    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.processed_at is not None:
        return None
    apply_delivery(delivery)
    return delivery.outcome
