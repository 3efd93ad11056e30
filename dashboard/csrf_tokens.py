"""A session's signed CSRF token, signed once per process instead of once per request.

Flask-WTF signs the session's raw token anew for each request that draws a form (a key
derivation, an HMAC and a timestamp: ~50 µs of the ~0.6 ms a kept Groups page costs). With no
WTF_CSRF_TIME_LIMIT (our default: a token is valid as long as its session), the timestamp is
never checked, so an earlier signature of the same raw token is just as valid: the first one
is kept per app (LRU) and put where Flask-WTF looks for the request's token (`g`) before
anything draws a form. With a time limit set, nothing is kept: each request signs afresh.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import Flask, Response, current_app, g, request, session

KEPT = 1024  # sessions whose signed token a process keeps
FIELD = "WTF_CSRF_FIELD_NAME"


class Signed:
    def __init__(self) -> None:
        self.tokens: OrderedDict[str, str] = OrderedDict()
        self.lock = Lock()

    def get(self, raw: str) -> str | None:
        with self.lock:
            return self.tokens.get(raw)

    def keep(self, raw: str, token: str) -> None:
        with self.lock:
            self.tokens[raw] = token
            self.tokens.move_to_end(raw)
            while len(self.tokens) > KEPT:
                self.tokens.popitem(last=False)


def init_app(app: Flask) -> None:
    app.extensions["csrf_signed"] = Signed()
    app.before_request(_reuse_signed)
    app.after_request(_keep_signed)


def _reuse_signed() -> None:
    raw = _raw_token()
    token = None if raw is None else current_app.extensions["csrf_signed"].get(raw)
    if token is not None:
        setattr(g, _field(), token)


def _keep_signed(response: Response) -> Response:
    raw, token = _raw_token(), g.get(_field())
    if raw is not None and isinstance(token, str):
        current_app.extensions["csrf_signed"].keep(raw, token)
    return response


def _raw_token() -> str | None:
    """The session's raw token, when a signature of it never expires (and not for a static
    file, whose answer must not depend on the cookie)."""
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None or request.endpoint == "static":
        return None
    raw = session.get(_field())
    return raw if isinstance(raw, str) else None


def _field() -> str:
    return current_app.config.get(FIELD, "csrf_token")
