import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from dashboard.extensions import db
from dashboard.models import User, WebhookDelivery
from dashboard.webhooks.envelope import sign
from jobs.queues import queue
from jobs.worker import run_worker

SECRET = "webhook-secret-0123456789abcdef"
URL = "/webhooks/thinkific"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "THINKIFIC_WEBHOOK_SECRET": SECRET}


def envelope(topic="user.updated", delivery_id="20261127120000000000001", **payload):
    resource, action = topic.split(".")
    payload = payload or {
        "id": 501,
        "email": "Ada@Example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }
    return json.dumps(
        {
            "id": delivery_id,
            "resource": resource,
            "action": action,
            "tenant_id": "3",
            "created_at": "2026-11-27T12:00:00.000Z",
            "payload": payload,
        }
    ).encode()


def post(client, body, signature="sign", topic=None, secret=SECRET):
    headers = {"Content-Type": "application/json", "X-Thinkific-Subdomain": "test-school"}
    if signature == "sign":
        signature = sign(body, secret)
    if signature is not None:
        headers["X-Thinkific-Hmac-Sha256"] = signature
    if topic:
        headers["X-Thinkific-Topic"] = topic
    return client.post(URL, data=body, headers=headers)


def deliveries():
    return db.session.query(WebhookDelivery).count()


def test_signed_delivery_is_queued_and_refreshes_the_user(app, client, make):
    user = make.user(email="ada@example.com", thinkific_id=501, first_name="A")
    response = post(client, envelope(), topic="user.updated")
    assert response.status_code == 202
    assert response.json["status"] == "queued"
    assert queue("default").count == 1
    run_worker(app, burst=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).first_name == "Ada"
    assert db.session.get(WebhookDelivery, "20261127120000000000001").outcome == "refreshed"


def test_enrollment_delivery_names_the_enrolled_user(app, client, make):
    user = make.user(email="grace@example.com", last_name="")
    body = envelope(
        "enrollment.completed",
        id=77,
        course_id=3,
        user={
            "id": 9001,
            "email": "grace@example.com",
            "first_name": "Grace",
            "last_name": "Hopper",
        },
    )
    assert post(client, body).status_code == 202
    run_worker(app, burst=True)
    db.session.expire_all()
    refreshed = db.session.get(User, user.id)
    assert (refreshed.last_name, refreshed.thinkific_id) == ("Hopper", 9001)


@pytest.mark.parametrize(
    ("signature", "message"),
    [(None, "Missing"), ("0" * 64, "does not match"), ("not-hex", "does not match")],
)
def test_bad_or_missing_signature_is_401_and_writes_nothing(client, signature, message):
    response = post(client, envelope(), signature=signature)
    assert response.status_code == 401
    assert message in response.json["error"]
    assert deliveries() == 0
    assert queue("default").count == 0


def test_signature_with_another_key_is_refused(client):
    assert post(client, envelope(), secret="someone-else").status_code == 401
    assert deliveries() == 0


def test_signature_covers_the_raw_body(client):
    body = envelope()
    tampered = body.replace(b"Ada", b"Eve")
    response = post(client, tampered, signature=sign(body, SECRET))
    assert response.status_code == 401


def test_repeated_delivery_is_applied_once(client):
    body = envelope()
    assert post(client, body).status_code == 202
    second = post(client, body)
    assert (second.status_code, second.json["status"]) == (200, "duplicate")
    assert deliveries() == 1
    assert queue("default").count == 1


def test_topics_we_do_not_handle_are_acknowledged_and_ignored(client):
    response = post(client, envelope("order.created", id=1))
    assert (response.status_code, response.json["status"]) == (200, "ignored")
    assert queue("default").count == 0


@pytest.mark.parametrize(
    ("body", "topic", "status"),
    [
        (b"{not json", None, 400),
        (b"[1, 2]", None, 400),
        (json.dumps({"id": "1", "resource": "user", "action": "updated"}).encode(), None, 400),
        (json.dumps({"resource": "user", "action": "updated", "payload": {}}).encode(), None, 400),
        (envelope(), "user.signup", 400),
    ],
)
def test_malformed_envelopes_are_refused_and_write_nothing(client, body, topic, status):
    assert post(client, body, topic=topic).status_code == status
    assert deliveries() == 0


def test_oversized_body_is_refused(client):
    body = envelope(id=1, email="x@example.com", bio="x" * 300_000)
    assert post(client, body).status_code == 413
    assert deliveries() == 0


def test_without_a_configured_secret_nothing_is_accepted(app_config):
    from dashboard import create_app

    app = create_app({**app_config, "THINKIFIC_WEBHOOK_SECRET": None})
    response = post(app.test_client(), envelope())
    assert response.status_code == 401


def test_email_change_onto_another_users_email_is_not_applied(app, client, make):
    make.user(email="taken@example.com")
    user = make.user(email="old@example.com", thinkific_id=501)
    post(client, envelope(id=501, email="taken@example.com", first_name="New"))
    run_worker(app, burst=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "old@example.com"
    assert db.session.get(WebhookDelivery, "20261127120000000000001").outcome == "email_conflict"


def test_delivery_for_a_user_the_dashboard_does_not_know_creates_nobody(app, client):
    post(client, envelope(id=999, email="stranger@example.com"))
    run_worker(app, burst=True)
    assert db.session.query(User).count() == 0
    assert db.session.get(WebhookDelivery, "20261127120000000000001").outcome == "no_local_user"


def nested(levels: int) -> bytes:
    return (
        b'{"id": "9", "resource": "user", "action": "updated", "payload": '
        + (b'{"a": ' * levels + b"1" + b"}" * levels)
        + b"}"
    )


@pytest.mark.parametrize("levels", [40, 5_000, 30_000])
def test_a_deeply_nested_body_is_400_and_writes_nothing(client, levels):
    response = post(client, nested(levels))
    assert response.status_code == 400
    assert "nests more than 32 levels" in response.json["error"]
    assert deliveries() == 0
    assert queue("default").count == 0


def test_a_body_nested_as_deep_as_thinkifics_is_accepted(client):
    assert post(client, nested(3)).status_code == 202
    assert deliveries() == 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_a_wrong_content_type_is_415_and_writes_nothing(client, content_type):
    body = envelope()
    headers = {"X-Thinkific-Hmac-Sha256": sign(body, SECRET)}
    if content_type:
        headers["Content-Type"] = content_type
    response = client.post(URL, data=body, headers=headers)
    assert response.status_code == 415
    assert "application/json" in response.json["error"]
    assert deliveries() == 0


def test_an_oversized_body_without_a_length_is_read_no_further_than_the_limit(app):
    """A chunked upload (no Content-Length) of 10 MB: refused after 256 KB and a byte."""
    body = CountingStream(10 * 1024 * 1024)
    environ = EnvironBuilder(URL, method="POST", content_type="application/json").get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": body, "wsgi.input_terminated": True})

    _, status, _ = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("413")
    assert body.read_so_far <= 256 * 1024 + 1
    assert deliveries() == 0


class CountingStream:
    """A request body of `size` spaces that counts how much of it the app read."""

    def __init__(self, size: int):
        self.size, self.read_so_far = size, 0

    def read(self, limit: int = -1) -> bytes:
        left = self.size - self.read_so_far
        count = left if limit is None or limit < 0 else min(limit, left)
        self.read_so_far += count
        return b" " * count

    def readline(self, limit: int = -1) -> bytes:
        return self.read(limit)
