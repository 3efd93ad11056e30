from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from jobs.webhooks import receive

from ..extensions import csrf
from ..webhooks.envelope import MAX_BODY_BYTES, WebhookRejected, parse_envelope, verify_signature

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def blueprint() -> Blueprint:
    return bp


TOO_LARGE = f"The body is larger than a webhook may be ({MAX_BODY_BYTES // 1024} KB)."


@bp.post("/thinkific")
@csrf.exempt
def thinkific():
    """Check the signature and envelope, record the delivery once, and leave the work to a job."""
    try:
        body = read_body()
        verify_signature(
            body,
            request.headers.get("X-Thinkific-Hmac-Sha256"),
            current_app.config.get("THINKIFIC_WEBHOOK_SECRET"),
        )
        envelope = parse_envelope(body, request.headers.get("X-Thinkific-Topic"))
    except WebhookRejected as rejection:
        current_app.logger.warning("webhook refused: %s", rejection)
        return jsonify(error=str(rejection)), rejection.status
    status = receive(envelope)
    return jsonify(status=status, id=envelope.id), 202 if status == "queued" else 200


def read_body() -> bytes:
    """The raw body, if it is JSON and small: the size is checked before anything is read, and
    a body without a length is read no further than one byte past the limit."""
    if request.mimetype != "application/json":
        raise WebhookRejected(415, "A webhook body must be sent as application/json.")
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise WebhookRejected(413, TOO_LARGE)
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise WebhookRejected(413, TOO_LARGE)
    return body
