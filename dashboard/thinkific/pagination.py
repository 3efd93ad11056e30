"""Walk a paginated collection page by page, yielding items as they arrive (API-NOTES §2).

Follows `meta.pagination.next_page` until it is null (or 0); an answer without `meta` is a
single page. A `next_page` that does not move forward is an error, never an endless loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from .errors import MalformedResponse

PAGE_SIZE = 250  # Thinkific's maximum


def paginate(fetch: Callable[[int], Any], what: str) -> Iterator[Any]:
    """Yield every item of the collection; `fetch(page)` returns one page's JSON body."""
    page = 1
    while True:
        items, next_page = read_page(fetch(page), page, what)
        yield from items
        if next_page is None:
            return
        page = next_page


def read_page(body: Any, page: int, what: str) -> tuple[list[Any], int | None]:
    """The items of one page and the number of the next one (None at the end)."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        raise MalformedResponse(f"Thinkific's page {page} of {what} has no list of items")
    return body["items"], _next_page(body.get("meta"), page, what)


def _next_page(meta: Any, page: int, what: str) -> int | None:
    pagination = meta.get("pagination") if isinstance(meta, dict) else None
    value = pagination.get("next_page") if isinstance(pagination, dict) else None
    if value in (None, 0, False):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or value <= page:
        raise MalformedResponse(
            f"Thinkific's page {page} of {what} points to next page {value!r}, "
            "which does not move forward"
        )
    return value
