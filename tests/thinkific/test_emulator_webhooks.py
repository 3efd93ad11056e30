"""Signed webhooks sent to a real receiver (API-NOTES §9, §15.9)."""

import hashlib
import hmac
import json

import pytest
import requests
from werkzeug.wrappers import Request, Response

from dashboard.thinkific.emulator import EmulatorServer


class Receiver:
    """A tiny HTTP endpoint that keeps what it is sent."""

    def __init__(self):
        self.received = []

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.received.append((dict(request.headers), request.get_data()))
        return Response("ok")(environ, start_response)


@pytest.fixture
def receiver():
    app = Receiver()
    with EmulatorServer(app) as server:
        app.url = server.url + "/webhooks/thinkific"
        yield app


def test_a_user_webhook_is_signed_with_the_api_key(emulator, receiver):
    user = emulator.control.create_user("ann@example.com", affiliate_commission=12.5)

    result = emulator.control.send_webhook(receiver.url, "user.updated", user_id=user["id"])

    assert result["delivered"] is True
    assert result["status"] == 200
    ((headers, raw),) = receiver.received
    expected = hmac.new(emulator.api_key.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Thinkific-Hmac-Sha256"] == expected
    assert headers["X-Thinkific-Topic"] == "user.updated"
    assert headers["X-Thinkific-Subdomain"] == emulator.subdomain
    envelope = json.loads(raw)
    assert (envelope["resource"], envelope["action"]) == ("user", "updated")
    assert isinstance(envelope["id"], str)
    assert isinstance(envelope["tenant_id"], str)
    assert envelope["payload"]["email"] == "ann@example.com"
    assert envelope["payload"]["affiliate_commission"] == "12.5"


def test_an_enrollment_webhook_carries_the_documented_payload(emulator, receiver):
    emulator.control.seed(
        users=[{"email": "ann@example.com"}],
        courses=[{"name": "Safety"}],
        enrollments=[{"email": "ann@example.com", "course_name": "Safety"}],
    )
    enrollment = emulator.control.enrollments()[0]

    emulator.control.send_webhook(
        receiver.url, "enrollment.created", enrollment_id=enrollment["id"]
    )

    payload = json.loads(receiver.received[0][1])["payload"]
    assert payload["user"]["email"] == "ann@example.com"
    assert payload["course"] == {"id": enrollment["course_id"], "name": "Safety"}
    assert payload["percentage_completed"] == "0.0"


def test_a_webhook_can_be_unsigned_or_signed_with_another_secret(emulator, receiver):
    payload = {"id": 1}

    emulator.control.send_webhook(receiver.url, "order.created", payload=payload, signed=False)
    emulator.control.send_webhook(receiver.url, "order.created", payload=payload, secret="s3")

    (unsigned, _), (signed, raw) = receiver.received
    assert "X-Thinkific-Hmac-Sha256" not in unsigned
    assert signed["X-Thinkific-Hmac-Sha256"] == hmac.new(b"s3", raw, hashlib.sha256).hexdigest()


def test_an_unreachable_receiver_is_reported(emulator):
    result = emulator.control.send_webhook("http://127.0.0.1:9/hook", "order.created", payload={})

    assert result["delivered"] is False


@pytest.mark.parametrize(
    "fields",
    [
        {"topic": "nonsense"},
        {"topic": "user.updated", "user_id": 12345},
        {"topic": "user.updated", "url": "ftp://x"},
    ],
)
def test_bad_webhook_requests_are_refused(emulator, receiver, fields):
    fields = {"url": receiver.url} | fields

    with pytest.raises(requests.HTTPError, match="400"):
        emulator.control.send_webhook(fields.pop("url"), fields.pop("topic"), **fields)

    assert receiver.received == []
