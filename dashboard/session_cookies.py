"""Flask's signed session cookie, read once per process for each cookie a browser sends.

A browser sends the same cookie with every request until the session changes, and Flask reads
it anew each time: a serializer built, the signature checked (HMAC), the payload decoded and
its JSON tags undone (~90 µs of a ~0.75 ms kept Groups page). What a valid cookie holds cannot
change: the signature covers it, so the same string always verifies to the same data. So the
last cookies read are kept per app (LRU), by their exact text, with what they hold and when
they were signed; a cookie read again is checked for age (the same `max_age` Flask checks) and
answered from what was kept. A cookie that does not verify is never kept: it is refused, as
Flask refuses it, every time. Each request gets its own copy of the data, so nothing one
request writes into its session is seen by another.
"""

from __future__ import annotations

import copy
import time
from collections import OrderedDict
from threading import Lock
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

KEPT = 1024  # cookies a process keeps read (a session cookie: ~300 bytes)
IMMUTABLE = (str, int, float, bool, type(None))


class KeptCookies:
    def __init__(self, size: int = KEPT) -> None:
        self.size = size
        self.read: OrderedDict[str, tuple[dict[str, Any], int]] = OrderedDict()
        self.lock = Lock()

    def get(self, cookie: str) -> tuple[dict[str, Any], int] | None:
        with self.lock:
            found = self.read.get(cookie)
            if found is not None:
                self.read.move_to_end(cookie)
            return found

    def keep(self, cookie: str, data: dict[str, Any], signed_at: int) -> None:
        with self.lock:
            self.read[cookie] = (data, signed_at)
            while len(self.read) > self.size:
                self.read.popitem(last=False)


class KeptSessionInterface(SecureCookieSessionInterface):
    """Flask's own cookie session, its reading of a cookie seen before kept (see above)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie or not app.secret_key:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = _kept(app)
        found = kept.get(cookie)
        if found is None:
            found = self._verified(app, cookie, max_age)
            if found is None:
                return self.session_class()
            kept.keep(cookie, *found)
        data, signed_at = found
        if time.time() - signed_at > max_age:
            return self.session_class()  # expired since: as Flask's own reading says
        return self.session_class(_copy(data))

    def _verified(self, app: Flask, cookie: str, max_age: int) -> tuple[dict, int] | None:
        serializer = self.get_signing_serializer(app)
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return None
        return (data, int(signed_at.timestamp())) if isinstance(data, dict) else None


def init_app(app: Flask) -> None:
    app.session_interface = KeptSessionInterface()
    app.extensions["session_cookies"] = KeptCookies()


def _kept(app: Flask) -> KeptCookies:
    return app.extensions["session_cookies"]


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    """The request's own copy: shallow while every value is a plain value (the usual case:
    ids, tokens, flags), deep once one is not (messages to flash, a list)."""
    if all(isinstance(value, IMMUTABLE) for value in data.values()):
        return dict(data)
    return copy.deepcopy(data)
