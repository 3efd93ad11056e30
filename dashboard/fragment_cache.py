"""Drawn HTML kept per process, by a key that names everything it shows (a data version first).

Per process, not in Redis: a hit is a dictionary lookup (no round trip, nothing to fail), and
since every key holds the version of the data it was drawn from, no process ever needs to be
told to forget anything; an entry no request asks for any more just ages out. Bounded (LRU).

A request that read the groups' data version (the Groups list reads it with its count) notes
it (`note_version`), so that what else the page shows from the same rows (the banner of plans
waiting) is kept by it too (`by_version`), at no statement of its own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any

from flask import current_app, g, request, session
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .database import READS

ENTRIES = 128  # a page of the Groups table is ~15 KB: at most ~2 MB per process
MISSING = object()
VERSION = "groups_data_version"  # in flask.g: the groups' data version this request read
SIGNED_IN = "dashboard.groups_version"  # in the request's environ: the one read with sign-in
CSRF_SLOT = "\x00csrf-token\x00"  # where a kept drawing takes the request's own CSRF token
CSRF_SLOT_BYTES = CSRF_SLOT.encode()


class FragmentCache:
    def __init__(self, size: int = ENTRIES) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.latest: OrderedDict[Hashable, Any] = OrderedDict()  # rest of a key: its last version
        self.lock = Lock()

    def kept_version(self, rest: tuple) -> Any:
        """The latest version kept for the key `(version, *rest)`; None: none kept."""
        with self.lock:
            version = self.latest.get(rest)
            return version if (version, *rest) in self.entries else None

    def note_latest(self, rest: tuple, version: Any) -> None:
        with self.lock:
            self.latest[rest] = version
            self.latest.move_to_end(rest)
            while len(self.latest) > self.size:
                self.latest.popitem(last=False)

    def get(self, key: Hashable, draw: Callable[[], Any]) -> Any:
        with self.lock:
            value = self.entries.get(key, MISSING)
            if value is not MISSING:
                self.entries.move_to_end(key)
                return value
        value = draw()
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value


def kept_version(name: str, rest: tuple) -> Any:
    """The data version that what `cached_by_version(name, …, rest, …)` keeps was drawn for:
    asked before reading the version, so that what is only needed to draw (a count) is read
    with it only if the version is a new one. None: nothing kept."""
    return _cache(name).kept_version(rest)


def cached_by_version(name: str, version: Any, rest: tuple, draw: Callable[[], str]) -> Markup:
    """`draw()` or what it drew before for `(version, *rest)` (under the app's cache `name`),
    noting `version` as the latest for `rest`; no version (unknown): drawn afresh."""
    if version is None:
        return Markup(draw())
    cache = _cache(name)
    drawn = cache.get((version, *rest), lambda: Markup(draw()))
    cache.note_latest(rest, version)
    return drawn


def cached_page(name: str, key: Hashable | None, draw: Callable[[], str]) -> str | bytes:
    """A whole page: `draw()` or what it drew before for `key`, with this request's CSRF token
    in it. The token is the one thing a page says that differs from one visitor's request to
    the next, so the key must name everything else the page shows (the data version, what the
    list shows, who is signed in). Kept as the UTF-8 it is sent in: a page sent again is not
    encoded again (~20 µs for a page of 50 groups). Messages to flash are shown once: a page
    that has some is drawn afresh, and not kept."""
    if key is None or session.get("_flashes"):
        return draw()
    kept = _cache(name).get(key, lambda: without_csrf(draw()).encode())
    return kept.replace(CSRF_SLOT_BYTES, generate_csrf().encode())


def without_csrf(html: str) -> str:
    """`html` drawn in this request, its CSRF token marked out (`with_csrf` fills it in)."""
    return html.replace(generate_csrf(), CSRF_SLOT)


def with_csrf(html: str) -> str:
    return html.replace(CSRF_SLOT, generate_csrf())


def note_version(version: int | None) -> None:
    """The groups' data version this request read (None: unknown)."""
    setattr(g, VERSION, version)


def note_signed_in_version(version: int | None) -> None:
    """The groups' data version read with this request's sign-in (the same statement)."""
    request.environ[SIGNED_IN] = version


def version_read_with_sign_in() -> int | None:
    """The groups' data version read with this request's sign-in, when the request changes
    nothing (GET, HEAD): what it shows is as of then. None: not read (a change since would not
    be in it, or nobody signed in on this request)."""
    return request.environ.get(SIGNED_IN) if request.method in READS else None


def by_version(name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per groups' data version this request read (`note_version`, else with
    its sign-in), per process; computed afresh when the request read none."""
    version = g.get(VERSION)
    if version is None:
        version = version_read_with_sign_in()
    if version is None:
        return compute()
    return _cache(name).get((version, current_app.name), compute)


def _cache(name: str) -> FragmentCache:
    caches = current_app.extensions.setdefault("fragment_caches", {})
    return caches.get(name) or caches.setdefault(name, FragmentCache())
