"""Checking what Thinkific sends: the signature on the raw body, then the envelope (§9)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

MAX_BODY_BYTES = 256 * 1024
MAX_DEPTH = 32  # Thinkific's envelopes nest three or four levels
HANDLED_TOPICS = frozenset(
    {"user.signup", "user.updated", "enrollment.created", "enrollment.completed"}
)


class WebhookRejected(ValueError):
    """The delivery is refused; `status` is the HTTP answer and the message says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Envelope:
    id: str
    topic: str
    payload: dict[str, Any]

    @property
    def handled(self) -> bool:
        return self.topic in HANDLED_TOPICS


def sign(body: bytes, secret: str) -> str:
    """The lowercase hex HMAC-SHA256 of the raw body, as Thinkific computes it."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, signature: str | None, secret: str | None) -> None:
    if not secret:
        raise WebhookRejected(401, "Webhooks are not accepted: no webhook secret is configured.")
    if not signature:
        raise WebhookRejected(401, "Missing X-Thinkific-Hmac-Sha256 signature.")
    if not hmac.compare_digest(sign(body, secret), signature.strip().lower()):
        raise WebhookRejected(401, "The X-Thinkific-Hmac-Sha256 signature does not match.")


def parse_envelope(body: bytes, topic_header: str | None) -> Envelope:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise WebhookRejected(400, "The body is not JSON.") from None
    except RecursionError:
        raise WebhookRejected(400, TOO_DEEP) from None
    if depth(data) > MAX_DEPTH:
        raise WebhookRejected(400, TOO_DEEP)
    if not isinstance(data, dict):
        raise WebhookRejected(400, "The body is not a webhook envelope (a JSON object).")
    delivery_id, topic = _delivery_id(data), _topic(data, topic_header)
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise WebhookRejected(400, "The envelope has no payload object.")
    return Envelope(delivery_id, topic, payload)


TOO_DEEP = f"The body nests more than {MAX_DEPTH} levels deep."


def depth(data: Any) -> int:
    """How many levels of objects and arrays `data` nests (counted without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


def _delivery_id(data: dict[str, Any]) -> str:
    value = data.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        raise WebhookRejected(400, "The envelope has no usable id.")
    return value.strip()


def _topic(data: dict[str, Any], header: str | None) -> str:
    resource, action = data.get("resource"), data.get("action")
    if not (isinstance(resource, str) and isinstance(action, str)):
        raise WebhookRejected(400, "The envelope has no resource and action.")
    topic = f"{resource}.{action}"
    if header and header.strip() != topic:
        raise WebhookRejected(400, f"X-Thinkific-Topic {header!r} does not match {topic!r}.")
    return topic
