"""What happens around every Thinkific request: faults, latency, auth, the rate limit, strict
spec checks, and the request log. Control paths (`/_emulator/...`) pass untouched."""

from __future__ import annotations

import contextlib
import re
import socket
import time

from flask import Flask, Response, g, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from . import auth, strict
from .faults import Fault
from .ratelimit import too_many_requests
from .replies import ApiError, empty, json_reply, reply_for
from .runtime import API_BASE, GRAPHQL_PATH, emulator

CLOUDFLARE_PAGE = (
    "<!DOCTYPE html><html><head><title>api.thinkific.com | {status}: {reason}</title></head>"
    "<body><h1>Error {status}</h1><p>{reason}</p><p>Cloudflare Ray ID: 0000000000000000</p>"
    "</body></html>"
)
CLOUDFLARE_REASONS = {
    520: "Web server is returning an unknown error",
    521: "Web server is down",
    522: "Connection timed out",
    523: "Origin is unreachable",
    524: "A timeout occurred",
    525: "SSL handshake failed",
    526: "Invalid SSL certificate",
    527: "Railgun Listener to Origin Error",
}
CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def is_thinkific(path: str) -> bool:
    return path.startswith((API_BASE + "/", GRAPHQL_PATH))


def init_app(app: Flask) -> None:
    app.before_request(before_request)
    app.after_request(after_request)
    app.register_error_handler(ApiError, on_api_error)
    app.register_error_handler(NotFound, on_not_found)
    app.register_error_handler(MethodNotAllowed, on_not_found)


def before_request() -> Response | None:
    if not is_thinkific(request.path):
        return None
    e = emulator()
    g.deviation = g.fault = None
    fault = e.faults.pick(request.method, request.path)
    if fault:
        g.fault = fault
        response = apply_fault(fault)
        if response is not None:
            return response
    if e.switches["LATENCY"]:
        time.sleep(e.switches["LATENCY"])
    if request.path.startswith(API_BASE + "/"):
        guard_rest()
    return None


def guard_rest() -> None:
    """Auth, then the site budget, then (strict mode) the spec: each may stop the request."""
    e = emulator()
    if not e.switches["API_ACCESS"]:
        raise ApiError(401, auth.AUTHENTICATION_ERROR)
    auth.authenticate(request.headers, e.settings)
    e.limiter.check(e.switches)
    strict.check_request(e)


def apply_fault(fault: Fault) -> Response | None:
    """The response a fault answers with, or None when the request goes on (slow, malformed)."""
    kind = fault.kind
    if kind == "slow":
        time.sleep(fault.delay)
        return None
    if kind == "malformed_json":
        return None
    if kind == "drop":
        return drop_connection()
    if kind == "server_error":
        return json_reply({"error": "Internal Server Error"}, fault.status)
    if kind == "cloudflare":
        reason = CLOUDFLARE_REASONS[fault.status]
        page = CLOUDFLARE_PAGE.format(status=fault.status, reason=reason)
        return Response(page, status=fault.status, mimetype="text/html")
    return reply_for(too_many_requests(time.time() + fault.reset_after, emulator().switches))


def drop_connection() -> Response:
    """Close the client's socket without a word; the server's own write then fails quietly."""
    connection = request.environ.get("werkzeug.socket")
    if connection is None:
        raise RuntimeError("dropping a connection needs the werkzeug server")
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    return empty(204)


def after_request(response: Response) -> Response:
    if not is_thinkific(request.path):
        return response
    e = emulator()
    fault = g.get("fault")
    if fault is not None and fault.kind == "malformed_json":
        break_body(response)
    elif fault is None and _checked(g.get("deviation"), e.switches["CHECK_DEVIATIONS"]):
        strict.check_response(e, response)
    e.stats.record(log_entry(response), fault.kind if fault else None)
    return response


def _checked(deviation: str | None, check_deviations: bool) -> bool:
    return deviation is None or (check_deviations and deviation != "STRICT")


def break_body(response: Response) -> None:
    """Keep the status; cut the JSON body short so that it no longer parses."""
    body = response.get_data()
    response.set_data(body[: max(1, len(body) // 2)] if len(body) > 1 else b'{"items": [')
    response.mimetype = "application/json"


def endpoint_name() -> str:
    rule = request.url_rule.rule if request.url_rule else "(no route)"
    rule = CONVERTER.sub(r"{\1}", rule.removeprefix(API_BASE) or "/")
    return f"{request.method} {rule}"


def log_entry(response: Response) -> dict:
    return {
        "method": request.method,
        "path": request.path,
        "query": request.query_string.decode(errors="replace"),
        "endpoint": endpoint_name(),
        "status": response.status_code,
        "user_agent": request.headers.get("User-Agent"),
        "auth": _auth_kind(),
    }


def _auth_kind() -> str | None:
    if auth.bearer_token(request.headers):
        return "bearer"
    return "api_key" if request.headers.get("X-Auth-API-Key") else None


def on_api_error(error: ApiError) -> Response:
    if error.deviation:
        g.deviation = error.deviation
    return reply_for(error)


def on_not_found(error: Exception) -> Response:
    """Rails answers an unknown route (any method) with 404; so does the emulator."""
    if is_thinkific(request.path):
        strict.record_unknown_route(emulator())
        return json_reply({"error": "Not Found"}, 404)
    return json_reply({"error": str(error)}, getattr(error, "code", 404))
