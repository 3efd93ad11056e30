"""Webhook deliveries as Thinkific makes them (API-NOTES §9): the JSON envelope, the topic and
subdomain headers, and `X-Thinkific-Hmac-Sha256` = hex HMAC-SHA256(raw body, API key)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

import requests

from . import shapes
from .runtime import Emulator
from .state import utcnow

TOPICS = (
    "user.signup",
    "user.signin",
    "user.updated",
    "enrollment.trial",
    "enrollment.created",
    "enrollment.progress",
    "enrollment.completed",
)
_sequence = itertools.count(1)


class WebhookError(ValueError):
    """A delivery that cannot be built (bad topic, unknown record, no URL)."""


def signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(e: Emulator, topic: str, payload: dict[str, Any]) -> dict[str, Any]:
    resource, _, action = topic.partition(".")
    now = shapes.timestamp(utcnow())
    return {
        "id": f"{time.strftime('%Y%m%d%H%M%S')}{next(_sequence):09d}",
        "resource": resource,
        "action": action,
        "tenant_id": str(e.settings["TENANT_ID"]),
        "created_at": now,
        "timestamp": now,
        "payload": payload,
    }


def user_payload(e: Emulator, user_id: Any) -> dict[str, Any]:
    user = e.store.users.get(user_id)
    if user is None:
        raise WebhookError(f"no user with id {user_id}")
    payload = shapes.user(user)
    if payload["affiliate_commission"] is not None:
        payload["affiliate_commission"] = str(payload["affiliate_commission"])
    return payload


def enrollment_payload(e: Emulator, enrollment_id: Any) -> dict[str, Any]:
    item = e.store.enrollments.get(enrollment_id)
    if item is None:
        raise WebhookError(f"no enrollment with id {enrollment_id}")
    user, course = e.store.users.get(item.user_id), e.store.courses.get(item.course_id)
    return {
        "id": item.id,
        "activated_at": shapes.timestamp(item.activated_at),
        "completed_at": shapes.timestamp(item.completed_at),
        "course": {"id": item.course_id, "name": course.name if course else ""},
        "course_id": item.course_id,
        "created_at": shapes.timestamp(item.created_at),
        "expiry_date": shapes.timestamp(item.expiry_date),
        "free_trial": item.activated_at is None,
        "percentage_completed": f"{item.percentage_completed:.1f}",
        "started_at": shapes.timestamp(item.created_at),
        "updated_at": shapes.timestamp(item.updated_at),
        "user": {
            "id": item.user_id,
            "email": user.email if user else "",
            "first_name": user.first_name if user else "",
            "last_name": user.last_name if user else "",
        },
    }


def build(e: Emulator, request: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    topic = request.get("topic")
    if not isinstance(topic, str) or "." not in topic:
        raise WebhookError(f"topic must be like user.updated (known: {', '.join(TOPICS)})")
    if isinstance(request.get("payload"), dict):
        return topic, request["payload"]
    with e.lock:
        if topic.startswith("user."):
            return topic, user_payload(e, request.get("user_id"))
        if topic.startswith("enrollment."):
            return topic, enrollment_payload(e, request.get("enrollment_id"))
    raise WebhookError("give a payload, or user_id / enrollment_id for user.* / enrollment.*")


def deliver(e: Emulator, request: dict[str, Any]) -> dict[str, Any]:
    """POST one webhook to `request["url"]`; report what was sent and what came back."""
    url = request.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise WebhookError("url must be an http(s) URL")
    topic, payload = build(e, request)
    raw = json.dumps(envelope(e, topic, payload), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Thinkific-Webhooks/1.0 (emulator)",
        "X-Thinkific-Topic": topic,
        "X-Thinkific-Subdomain": e.settings["SUBDOMAIN"],
    }
    if request.get("signed", True):
        secret = request.get("secret") or e.settings["API_KEY"]
        headers["X-Thinkific-Hmac-Sha256"] = signature(raw, secret)
    sent = {"headers": headers, "body": raw.decode()}
    try:
        answer = requests.post(url, data=raw, headers=headers, timeout=10)
    except requests.RequestException as error:
        return {"delivered": False, "error": str(error), "sent": sent}
    return {
        "delivered": True,
        "status": answer.status_code,
        "response": answer.text[:2000],
        "sent": sent,
    }
