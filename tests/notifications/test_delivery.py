"""Delivery by real RQ workers: a digest to the SMTP server on loopback and to the chat
webhook, each event once, at most one digest per kind per window, retries with back-off, and
Settings telling how the last delivery went."""

from __future__ import annotations

from sqlalchemy import func, select

from dashboard.extensions import db
from dashboard.models import (
    Notification,
    NotificationDelivery,
    NotificationDigest,
    NotificationSettings,
)
from dashboard.notifications import Kind
from jobs.notification_events import record
from tests.fixtures.workers import wait_for

SLOW = 60  # seconds a worker may need under load (a retry waits for RQ's scheduler)


def set_webhook(url: str) -> None:
    db.session.add(NotificationSettings(id=1, webhook_url=url, manual_action_days=7))
    db.session.commit()


def sent(channel: str) -> list[NotificationDelivery]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(NotificationDelivery).where(
            NotificationDelivery.channel == channel, NotificationDelivery.sent_at.is_not(None)
        )
    ).all()
    db.session.rollback()
    return list(rows)


def test_a_burst_of_events_arrives_as_one_digest_by_email_and_in_chat(
    app, admin, make, workers, mail_server, chat_endpoint
):
    other = make.account(email="ops@example.com")
    set_webhook(chat_endpoint.url)
    for number in (1, 2, 3):
        record(
            Kind.RUN_FAILED,
            f"run_failed:{number}",
            f"Sync run #{number} failed: boom",
            f"/admin/sync-runs/{number}",
        )
    workers.start()
    messages = wait_for(mail_server.messages, SLOW, "the digest by email")
    wait_for(lambda: chat_endpoint.posts, SLOW, "the digest in chat")

    (message,) = messages
    assert message.subject == "[B2B Dashboard] A sync failed or partly failed (3)"
    assert message.sender == "Dashboard <dashboard@example.com>"
    assert set(message.to.split(", ")) == {admin.email, other.email}
    for number in (1, 2, 3):
        assert f"- Sync run #{number} failed: boom" in message.body
        assert f"https://dashboard.example.com/admin/sync-runs/{number}" in message.body
    assert "https://dashboard.example.com/account" in message.body
    (post,) = chat_endpoint.posts
    assert post["text"].startswith("*[B2B Dashboard] A sync failed or partly failed (3)*")
    assert "https://dashboard.example.com/admin/sync-runs/2" in post["text"]


def test_the_same_event_is_never_sent_twice(app, admin, workers, mail_server):
    assert record(Kind.GROUP_DELETED, "group_deleted:7:run:1", "“Acme” is gone.", "/admin/groups/7")
    assert not record(Kind.GROUP_DELETED, "group_deleted:7:run:1", "“Acme” is gone.", "/x")
    workers.start()
    wait_for(mail_server.messages, SLOW, "the digest")
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1
    assert not record(Kind.GROUP_DELETED, "group_deleted:7:run:1", "“Acme” is gone.", "/x")
    wait_for(lambda: sent("email"), SLOW, "the delivery recorded as sent")
    assert len(mail_server.messages()) == 1


def test_events_after_a_digest_wait_for_the_window_then_come_together(
    app, admin, workers, mail_server
):
    workers.start()
    record(Kind.PLAN_WAITING, "plan:1", "“Acme”: a plan waits.", "/admin/groups/1")
    wait_for(mail_server.messages, SLOW, "the first digest")
    record(Kind.PLAN_WAITING, "plan:2", "“Beta”: a plan waits.", "/admin/groups/2")
    record(Kind.PLAN_WAITING, "plan:3", "“Gamma”: a plan waits.", "/admin/groups/3")
    messages = wait_for(
        lambda: len(mail_server.messages()) == 2 and mail_server.messages(),
        SLOW,
        "the second digest",
    )
    first, second = sorted(messages, key=lambda m: m.sent_at)
    assert "Acme" in first.body
    assert "Beta" not in first.body
    assert "Beta" in second.body
    assert "Gamma" in second.body
    digests = db.session.scalars(select(NotificationDigest).order_by(NotificationDigest.id)).all()
    gap = (digests[1].created_at - digests[0].created_at).total_seconds()
    assert gap >= app.config["NOTIFY_DIGEST_SECONDS"]


def test_a_failing_webhook_is_retried_with_back_off_and_settings_show_the_failure(
    app, client, admin, workers, chat_endpoint
):
    set_webhook(chat_endpoint.url)
    chat_endpoint.failures_left = 1
    record(
        Kind.CREDENTIALS_REJECTED,
        "credentials:today",
        "Thinkific refused the credentials.",
        "/admin/settings/",
    )
    workers.start()
    wait_for(lambda: chat_endpoint.refused, SLOW, "the first attempt, refused")
    failed = "Last delivery failed: the webhook answered 500: chat is down"  # chat's, not mail's
    page = wait_for(lambda: _settings_with(client, failed), SLOW, "Settings")
    assert f"{failed}, at" in page
    wait_for(lambda: chat_endpoint.posts, SLOW, "the retry, delivered")
    (delivery,) = wait_for(lambda: sent("chat"), SLOW, "the delivery recorded as sent")
    assert delivery.attempts == 2
    assert len(chat_endpoint.posts) == 1
    assert "Last delivery sent" in client.get("/admin/settings/").text


def test_an_unreachable_mail_server_is_retried_and_shown_in_settings(app, client, admin, workers):
    app.config["SMTP_URL"] = "smtp://127.0.0.1:9"  # nothing listens there
    workers.config = {**workers.config, "SMTP_URL": "smtp://127.0.0.1:9"}
    record(Kind.RUN_FAILED, "run_failed:5", "Sync run #5 failed.", "/admin/sync-runs/5")
    workers.start()
    page = wait_for(lambda: _settings_with(client, "attempt 2"), SLOW, "a second attempt")
    assert (
        "Last delivery failed: could not send through the mail server 127.0.0.1:9: "
        "connection refused, at"
    ) in page
    page = wait_for(lambda: _settings_with(client, "no further attempt"), SLOW, "retries spent")
    assert "(attempt 4; no further attempt: fix the mail server or SMTP_URL" in page
    assert sent("email") == []


def _settings_with(client, words: str) -> str | None:
    db.session.expire_all()
    page = client.get("/admin/settings/").text
    db.session.rollback()
    return page if words in page else None
