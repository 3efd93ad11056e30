"""Drawn HTML kept per process, by a key that names everything it shows (a data version first).

Per process, not in Redis: a hit is a dictionary lookup (no round trip, nothing to fail), and
since every key holds the version of the data it was drawn from, no process ever needs to be
told to forget anything; an entry no request asks for any more just ages out. Bounded (LRU).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock

from flask import current_app
from markupsafe import Markup

ENTRIES = 128  # a page of the Groups table is ~15 KB: at most ~2 MB per process


class FragmentCache:
    def __init__(self, size: int = ENTRIES) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Markup] = OrderedDict()
        self.lock = Lock()

    def get(self, key: Hashable, draw: Callable[[], str]) -> Markup:
        with self.lock:
            html = self.entries.get(key)
            if html is not None:
                self.entries.move_to_end(key)
                return html
        html = Markup(draw())
        with self.lock:
            self.entries[key] = html
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return html


def cached(name: str, key: Hashable | None, draw: Callable[[], str]) -> Markup:
    """`draw()` or what it drew before for `key` (under the app's cache `name`); None: draw."""
    if key is None:
        return Markup(draw())
    caches = current_app.extensions.setdefault("fragment_caches", {})
    cache = caches.get(name) or caches.setdefault(name, FragmentCache())
    return cache.get(key, draw)
