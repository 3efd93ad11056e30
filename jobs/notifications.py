"""Notifications in the background: a digest per kind (at most one per NOTIFY_DIGEST_SECONDS),
then one delivery job per channel, retried with back-off (RQ's `Retry`) until sent, and sent
once: a delivery already sent is never sent again.

Scheduling follows the webhook follow-up's pattern: the first event of a kind sets a marker in
Redis and schedules the digest with `enqueue_in` (RQ's scheduler, which the workers run); later
events see the marker and leave it; the digest job clears it before gathering, so an event
recorded from then on schedules the next digest, no sooner than the window allows.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from rq import Retry

from dashboard.database import end_transaction
from dashboard.extensions import db
from dashboard.models import NotificationDelivery, NotificationDigest, utcnow
from dashboard.notifications import channels, digests
from dashboard.notifications.kinds import Kind
from dashboard.notifications.sending import DeliveryFailed, send_chat, send_email
from dashboard.redis_client import get_redis

from .queues import queue

NOTIFY_QUEUE = "default"
MARKER = "notifications:digest-scheduled:{}"
MARKER_SLACK = 600  # seconds a marker outlives its digest's planned time (a lost job)
RESULT_TTL = 24 * 3600
FAILURE_TTL = 7 * 24 * 3600


def schedule_digest(kind: Kind) -> None:
    """Make sure a digest of `kind` is scheduled (once, however many events call this)."""
    config = current_app.config
    delay = max(config["NOTIFY_GATHER_SECONDS"], digests.seconds_until_allowed(kind))
    end_transaction()  # no transaction stays open while Redis is called
    redis = get_redis()
    if not redis.set(MARKER.format(kind), "1", nx=True, ex=int(delay) + MARKER_SLACK):
        return
    try:
        queue(NOTIFY_QUEUE).enqueue_in(
            timedelta(seconds=delay),
            "jobs.notifications.send_digest",
            kind.value,
            result_ttl=RESULT_TTL,
            failure_ttl=FAILURE_TTL,
            description=f"digest of {kind}",
        )
    except Exception:
        redis.delete(MARKER.format(kind))
        raise


def send_digest(kind: str) -> str:
    """Gather the kind's unsent events into one digest and queue its deliveries."""
    kind = Kind(kind)
    try:
        get_redis().delete(MARKER.format(kind))
        wait = digests.seconds_until_allowed(kind)
        if wait > 0:  # a digest of this kind went out less than a window ago
            end_transaction()
            schedule_digest(kind)
            return f"waiting {wait:.0f} s"
        digest = digests.gather(kind)
        if digest is None:
            return "nothing to send"
        delivery_ids = digests.deliveries_of(digest.id)
        end_transaction()
        for delivery_id in delivery_ids:
            enqueue_delivery(delivery_id)
        return f"digest {digest.id}: {len(delivery_ids)} deliveries"
    finally:
        db.session.remove()


def enqueue_delivery(delivery_id: int) -> None:
    intervals = list(current_app.config["NOTIFY_RETRY_SECONDS"])
    queue(NOTIFY_QUEUE).enqueue(
        "jobs.notifications.deliver",
        delivery_id,
        job_id=f"notification-delivery-{delivery_id}",
        retry=Retry(max=len(intervals), interval=intervals),
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        description=f"notification delivery {delivery_id}",
    )


def deliver(delivery_id: int) -> str:
    """Send one digest by one channel; a failure is recorded (Settings shows it) and raised,
    so that RQ tries again after the next back-off interval."""
    try:
        row = db.session.get(NotificationDelivery, delivery_id)
        if row is None or row.sent_at is not None:
            return "already sent"
        channel, recipients = row.channel, row.recipients.split()
        subject, body = _message(row)
        url = channels.current().webhook_url
        row.attempts += 1
        row.last_attempt_at = utcnow()
        end_transaction()  # the attempt is on record before the network is waited on
        try:
            _send(channel, recipients, subject, body, url)
        except DeliveryFailed as failure:
            row.last_error = str(failure)
            db.session.commit()
            raise
        row.sent_at, row.last_error = utcnow(), None
        db.session.commit()
        return f"sent by {channel}"
    finally:
        db.session.remove()


def _message(row: NotificationDelivery) -> tuple[str, str]:
    digest = db.session.get(NotificationDigest, row.digest_id)
    return digest.subject, digest.body


def _send(channel: str, recipients: list[str], subject: str, body: str, url: str | None) -> None:
    if channel == "email":
        if not channels.email_enabled():
            raise DeliveryFailed("SMTP_URL is not set any more")
        send_email(current_app.config, recipients, subject, body)
    elif url:
        send_chat(url, f"*{subject}*\n{body}")
    else:
        raise DeliveryFailed("no webhook URL is set in Settings any more")
