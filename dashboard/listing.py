"""Lists with search, sort and pages: reading their query string safely, and paging a query.

A bad query string never fails a list: unknown sorts fall back to the default, pages out of range
land on the nearest real page, overlong searches are cut.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from math import ceil
from typing import Any

from flask import url_for
from sqlalchemy import ColumnElement, Select, func, literal, select

from .extensions import db

PER_PAGE = 50
SEARCH_MAX = 100
COUNT_CAP = 1000  # searches count their matches up to here (or the page asked for), then say "+"
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class ListArgs:
    """What a list shows (search text, sort key and direction, page) and where it lives."""

    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)  # the endpoint's own URL values
    q: str = ""
    sort: str = ""
    desc: bool = False
    page: int = 1

    def url(self, **changes: Any) -> str:
        """This list's URL with `changes`; empty values are left out of the query string."""
        args = replace(self, **changes)
        params = {"q": args.q, "sort": args.sort, "dir": "desc" if args.desc else ""}
        params["page"] = args.page if args.page > 1 else None
        return url_for(self.endpoint, **self.values, **{k: v for k, v in params.items() if v})

    @property
    def base_url(self) -> str:
        """The list's URL with no query string (what its search form adds to)."""
        return url_for(self.endpoint, **self.values)

    def sort_url(self, sort: str) -> str:
        """Sort by `sort` from page 1, flipping the direction when it is the current sort."""
        return self.url(sort=sort, desc=sort == self.sort and not self.desc, page=1)


def list_args(
    args: Mapping[str, str], endpoint: str, sorts: Collection[str], **values: Any
) -> ListArgs:
    """Read a list's query string; the first of `sorts` is the default sort."""
    default = next(iter(sorts))
    sort = args.get("sort", default)
    return ListArgs(
        endpoint=endpoint,
        values=values,
        q=clean_search(args.get("q")),
        sort=sort if sort in sorts else default,
        desc=args.get("dir") == "desc",
        page=parse_page(args.get("page")),
    )


def clean_search(text: str | None) -> str:
    """Collapse whitespace, drop control characters (PostgreSQL refuses NUL), cut to length."""
    text = "".join(char for char in " ".join((text or "").split()) if char.isprintable())
    return text[:SEARCH_MAX]


def parse_page(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its wildcards taken literally."""
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return f"%{text}%"


def contains(expression: ColumnElement[str], text: str, *, ignore_case: bool = False):
    """`expression` contains `text` (LIKE, or ILIKE with `ignore_case`).

    The pattern is written into the SQL as a quoted literal rather than sent as a parameter:
    psycopg prepares a statement run five times, and PostgreSQL's generic plan for a prepared
    `ILIKE $1` cannot know the pattern, so it scans the table instead of the trigram index.
    """
    pattern = literal(like_pattern(text), literal_execute=True)
    if ignore_case:
        return expression.ilike(pattern, escape=LIKE_ESCAPE)
    return expression.like(pattern, escape=LIKE_ESCAPE)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int  # when not `exact`, a lower bound: there are more rows
    number: int
    per_page: int = PER_PAGE
    exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or not self.exact

    @property
    def first(self) -> int:
        return min(self.total, (self.number - 1) * self.per_page + 1)

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.per_page)


def paginate(
    query: Select,
    number: int,
    *,
    counted: Select | None = None,
    capped: bool = False,
    per_page: int = PER_PAGE,
) -> Page:
    """Load page `number` of `query` (clamped to the last page) with the number of its rows.

    `counted` is the query whose rows are counted, when cheaper than `query` (e.g. without the
    joins of a sort). A `capped` count stops past COUNT_CAP rows, or past the page asked for,
    so that a search matching most rows does not read them all just to count them.
    """
    total, exact = count_rows(counted if counted is not None else query, number, per_page, capped)
    number = min(number, max(1, ceil(total / per_page)))
    rows = db.session.execute(query.limit(per_page).offset((number - 1) * per_page))
    items = list(rows.scalars()) if len(query.column_descriptions) == 1 else list(rows)
    return Page(items=items, total=total, number=number, per_page=per_page, exact=exact)


def count_rows(query: Select, number: int, per_page: int, capped: bool) -> tuple[int, bool]:
    query = query.order_by(None)
    limit = max(COUNT_CAP, number * per_page + 1) if capped else None
    if limit is not None:
        query = query.limit(limit)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return total, limit is None or total < limit
