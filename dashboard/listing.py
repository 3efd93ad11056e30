"""Every list's search, sort and pages: the query string read safely, a query paged and counted.

A list declares its sortable columns once (`Sort`, the first being the default); `list_args`
reads the query string into `ListArgs`, and `paginate` loads one page of a query. A bad query
string never fails a list: each bad value falls back to a safe default and leaves a notice in
words for the page to show. `templates/macros/listing.html` draws the search box, the sortable
headers, the summary, the notices and the page links from these two objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from math import ceil
from typing import Any
from urllib.parse import urlencode

from flask import url_for
from sqlalchemy import (
    ScalarSelect,
    Select,
    func,
    select,
)

from .extensions import db
from .search import indexed
from .text import echo, strip_controls

PER_PAGE = 50
SEARCH_MAX = 100
PAGE_MAX = 10**9
COUNT_CAP = 1000  # capped counts stop here (or past the page asked for) and say "1,000+"
DIRECTIONS = ("asc", "desc")
URL_SAFE = "!$'()*,/:;?@"  # what werkzeug leaves unquoted in a query string, as url_for does


@dataclass(frozen=True)
class Sort:
    """A sortable column: its header, whether it holds numbers, and its first direction."""

    label: str
    numeric: bool = False  # right-aligned
    descending: bool = False  # the first click sorts biggest first (counts)


@dataclass(frozen=True)
class ListArgs:
    """What a list shows (search, sort, direction, page) and where it lives."""

    endpoint: str
    values: Mapping[str, Any] = field(default_factory=dict)  # the endpoint's own URL values
    sorts: Mapping[str, Sort] = field(default_factory=dict)  # the first is the default
    q: str = ""
    sort: str = ""
    desc: bool = False
    page: int = 1
    notices: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[Any, ...]:
        """What the list shows, hashable (for a cache of it)."""
        values = tuple(sorted(self.values.items()))
        return (self.endpoint, values, self.q, self.sort, self.desc, self.page, self.notices)

    @property
    def search_verb(self) -> str:
        """How a list that finds the start of its keys for a short search (`search.finds`)
        searched: "starts with" for one or two characters, else "contains"."""
        return "contains" if indexed(self.q) else "starts with"

    @property
    def default_sort(self) -> str:
        return next(iter(self.sorts), "")

    @property
    def sorted_as_default(self) -> bool:
        default = self.default_sort
        return self.sort == default and self.desc == self.sorts[default].descending

    def params(self, **changes: Any) -> dict[str, Any]:
        """This list's query-string arguments with `changes`, its defaults left out."""
        args = replace(self, **changes)
        params: dict[str, Any] = {"q": args.q} if args.q else {}
        if args.sorts and not args.sorted_as_default:
            params.update(sort=args.sort, dir="desc" if args.desc else "asc")
        if args.page > 1:
            params["page"] = args.page
        return params

    def url(self, **changes: Any) -> str:
        """`url_for(endpoint, **values, **params)`, its path built once per list (a page has
        a dozen links: sort headers, pages) and the query encoded as url_for encodes it."""
        params = self.params(**changes)
        if not params:
            return self.base_url
        return f"{self.base_url}?{urlencode(list(params.items()), safe=URL_SAFE)}"

    @cached_property
    def base_url(self) -> str:
        """The list's URL with no query string (what its search form adds to)."""
        return url_for(self.endpoint, **self.values)

    def sort_url(self, key: str) -> str:
        """Sort by `key` from page 1: flip the direction if it is the sort already."""
        desc = not self.desc if key == self.sort else self.sorts[key].descending
        return self.url(sort=key, desc=desc, page=1)


def list_args(
    query: Mapping[str, str], endpoint: str, sorts: Mapping[str, Sort] | None = None, **values: Any
) -> ListArgs:
    """Read a list's query string (`sorts` is empty for a list without sortable columns)."""
    sorts = sorts or {}
    notices: list[str] = []
    q = parse_search(query.get("q"), notices)
    sort, desc = parse_sort(query, sorts, notices)
    page = parse_page(query.get("page"), notices)
    return ListArgs(endpoint, values, sorts, q, sort, desc, page, tuple(notices))


def parse_search(raw: str | None, notices: list[str] | None = None) -> str:
    """The search without control characters, whitespace collapsed, at most SEARCH_MAX long."""
    notices = [] if notices is None else notices
    text = " ".join(strip_controls(raw or "").split())
    if len(text) > SEARCH_MAX:
        notices.append(f"The search was cut to its first {SEARCH_MAX} characters.")
        text = text[:SEARCH_MAX].rstrip()
    return text


def parse_sort(
    query: Mapping[str, str], sorts: Mapping[str, Sort], notices: list[str]
) -> tuple[str, bool]:
    if not sorts:
        return "", False
    default = next(iter(sorts))
    sort = query.get("sort") or default
    if sort not in sorts:
        notices.append(
            f"There is no column “{echo(sort)}” to sort by; "
            f"sorted by {sorts[default].label.lower()}."
        )
        sort = default
    first = "desc" if sorts[sort].descending else "asc"
    direction = query.get("dir") or first
    if direction not in DIRECTIONS:
        notices.append(f"“{echo(direction)}” is not a sort order; use asc or desc.")
        direction = first
    return sort, direction == "desc"


def parse_page(raw: str | None, notices: list[str] | None = None) -> int:
    notices = [] if notices is None else notices
    if raw is None or raw == "":
        return 1
    if raw.isascii() and raw.isdigit() and len(raw) < len(str(PAGE_MAX)) and int(raw) > 0:
        return int(raw)
    notices.append(f"“{echo(raw)}” is not a page number; showing page 1.")
    return 1


@dataclass(frozen=True)
class Page:
    """One page of a list: its rows, how many there are in all and where this page sits."""

    items: list[Any]
    total: int  # when not `exact`, a lower bound: there are more rows
    number: int
    per_page: int = PER_PAGE
    exact: bool = True
    asked: int = 1  # the page asked for: past the end, `number` is the last page instead

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.pages or not self.exact

    @property
    def first(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.per_page)

    @property
    def notice(self) -> str | None:
        if self.asked <= self.number or not self.total:  # nothing found: no page to speak of
            return None
        return f"There is no page {self.asked}; showing the last page, {self.number}."

    def links(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the ends and a window around this page; None is a gap."""
        wanted = {1, self.pages, *range(self.number - around, self.number + around + 1)}
        numbers = sorted(n for n in wanted if 1 <= n <= self.pages)
        links: list[int | None] = []
        for previous, number in zip([0, *numbers], numbers, strict=False):
            if number - previous == 2:  # a gap of one page: name it rather than "…"
                links.append(previous + 1)
            elif number - previous > 2:
                links.append(None)
            links.append(number)
        return links if self.exact else [*links, None]


def paginate(
    query: Select,
    number: int,
    *,
    counted: Select | None = None,
    total: int | None = None,
    capped: bool = False,
    cap: int | None = None,
    per_page: int = PER_PAGE,
) -> Page:
    """Load page `number` of `query` (the last page when past the end), and count its rows.

    `counted` is the query whose rows are counted when cheaper than `query` (without the joins
    of a sort, say); `total` skips counting when the number is known. A `capped` count stops
    past COUNT_CAP rows, or past the page asked for, so that a search matching most rows does
    not read them all just to count them; `cap` lowers COUNT_CAP (0: count only past the page).
    """
    exact = True
    if total is None:
        counted = query if counted is None else counted
        total, exact = count_rows(counted, number, per_page, capped, cap)
    return page_at(query, number, total, exact=exact, per_page=per_page)


def count_rows(
    query: Select, number: int, per_page: int, capped: bool, cap: int | None = None
) -> tuple[int, bool]:
    """The number of rows of `query`, and whether it is exact (a capped count may stop short)."""
    query = query.order_by(None)
    limit = count_limit(number, per_page, cap) if capped else None
    if limit is not None:
        query = query.limit(limit)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return total, limit is None or total < limit


def count_limit(number: int, per_page: int = PER_PAGE, cap: int | None = None) -> int:
    """Where a capped count stops: past COUNT_CAP rows (or `cap`), or past page `number`."""
    return max(COUNT_CAP if cap is None else cap, number * per_page + 1)


def capped_count(query: Select, limit: int) -> ScalarSelect:
    """The rows of `query` counted up to `limit`, as a column to ask with another query (the
    record the list belongs to, say): a list then costs one statement less."""
    counted = query.order_by(None).limit(limit).subquery()
    return select(func.count()).select_from(counted).scalar_subquery()


def page_at(
    query: Select, number: int, total: int, *, exact: bool = True, per_page: int = PER_PAGE
) -> Page:
    """Page `number` of `query` (the last page when past the end) when its rows are counted."""
    shown = min(number, max(1, ceil(total / per_page)))
    rows = db.session.execute(query.limit(per_page).offset((shown - 1) * per_page))
    items = list(rows.scalars()) if len(query.column_descriptions) == 1 else list(rows)
    return Page(items, total, shown, per_page, exact, asked=number)
