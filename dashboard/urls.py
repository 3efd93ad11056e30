"""Record ids in URLs: the `id` converter, and links to one record built fast enough for tables.

`url_for` costs ~30 µs a call and a page of 50 rows can name 150 records. `record_url` builds
each endpoint's pattern once with `url_for` and fills the record's id in by substitution.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, request, url_for
from werkzeug.routing import IntegerConverter

MARKER = 987_654_321


class IdConverter(IntegerConverter):
    """A row id in a URL: 1 to 2**31-1, so a huge number is a 404, never a database error."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=2**31 - 1)


def init_app(app: Flask) -> None:
    """Before the blueprints: their routes take ids as `<id:group_id>`."""
    app.url_map.converters["id"] = IdConverter


def record_url(endpoint: str, **record: int) -> str:
    """`url_for(endpoint, group_id=7)`, for endpoints whose one argument is a record's id."""
    ((name, record_id),) = record.items()
    pattern = _pattern(endpoint, name, request.script_root)
    return pattern.replace(str(MARKER), str(int(record_id)))


def record_pattern(endpoint: str, name: str) -> str:
    """The URL of `endpoint` with `{id}` where the record's id goes (for a table to say once)."""
    return _pattern(endpoint, name, request.script_root).replace(str(MARKER), "{id}")


@lru_cache(maxsize=64)
def _pattern(endpoint: str, name: str, _script_root: str) -> str:
    return url_for(endpoint, **{name: MARKER})
