"""A page of a list's ids, read from the index of its order: numbered and counted (up to a cap)
in the same statement, so that a search runs once for its count and its page (`keyed_page`,
`id_page`), or read from the nearer end of the order when the total is known (`offset_ids`).
Each returns a subquery of ids that the list joins its page's rows to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil

from sqlalchemy import ColumnElement, Integer, Select, Subquery, case, func, literal_column, select

from .listing import PER_PAGE, Page


@dataclass(frozen=True)
class Key:
    """A list's order by one expression: its direction, and whether NULLs come last both ways."""

    expression: ColumnElement
    descending: bool = False
    nulls_last: bool = False

    def order(self, column: ColumnElement | None = None, *, reverse: bool = False):
        """ORDER BY this key (of `column`, a copy of the expression), or its reverse."""
        column = self.expression if column is None else column
        order = column.desc() if self.descending != reverse else column.asc()
        if self.nulls_last:
            order = order.nulls_first() if reverse else order.nulls_last()
        return order


def ordered(keys: Sequence[Key], *, reverse: bool = False) -> list[ColumnElement]:
    return [key.order(reverse=reverse) for key in keys]


def id_page(ids: Select, number: int, limit: int, *, per_page: int, newest_first: bool) -> Subquery:
    """Page `number` of the ids `ids` selects (one column, in its own order), or its last page
    when past the end, each with how many ids there are up to `limit` (`counted`): a subquery
    to join a page's rows to, so that a capped count and a page cost one statement and a
    search runs once for both."""
    key = Key(ids.selected_columns[0], descending=newest_first)
    return keyed_page(ids, [key], number, limit, per_page=per_page)


def keyed_page(
    ids: Select, keys: Sequence[Key], number: int, limit: int, *, per_page: int
) -> Subquery:
    """Page `number` of the ids `ids` selects (one column, with its conditions), ordered by
    `keys` (the last one unique), or its last page when past the end: a subquery of `id`,
    `counted` (how many ids there are, up to `limit`) and `n` (each id's place, to order the
    page by).

    The first `limit` ids are taken in order (an index walk, or a bounded sort of the
    matches), then numbered and counted: a capped count and a page cost one statement, and a
    search runs once for both."""
    labels = [key.expression.label(f"key{n}") for n, key in enumerate(keys)]
    first = ids.add_columns(*labels).order_by(*ordered(keys)).limit(inline(limit)).subquery()
    order = [key.order(first.c[label.name]) for key, label in zip(keys, labels, strict=True)]
    numbered = select(
        first.c[0].label("id"),
        func.count().over().label("counted"),
        func.row_number().over(order_by=order).label("n"),
    ).subquery()
    asked = inline((number - 1) * per_page)
    last = (numbered.c.counted - 1) // per_page * per_page
    start = case((asked < numbered.c.counted, asked), else_=last)
    return (
        select(numbered.c.id, numbered.c.counted, numbered.c.n)
        .where(numbered.c.n > start, numbered.c.n <= start + per_page)
        .subquery()
    )


def offset_ids(
    ids: Select, keys: Sequence[Key], number: int, total: int, per_page: int = PER_PAGE
) -> Subquery:
    """Page `number` of the `total` ids `ids` selects (one column), ordered by `keys`, as a
    subquery to join the page's rows to (and order them again): the page's ids are read from
    the index of the order alone (which holds the id), walked from the nearer end, so a deep
    page reads at most half of it, and only the page's rows are read."""
    start = (number - 1) * per_page
    if start <= total // 2:
        return ids.order_by(*ordered(keys)).limit(inline(per_page)).offset(inline(start)).subquery()
    shown = max(0, min(per_page, total - start))
    from_end = total - start - shown
    reverse = ids.order_by(*ordered(keys, reverse=True))
    return reverse.limit(inline(shown)).offset(inline(from_end)).subquery()


def inline(number: int) -> ColumnElement[int]:
    """A whole number written into the SQL, not sent as a parameter: psycopg prepares a
    statement run five times, and the generic plan of `LIMIT $1` cannot know how few rows are
    wanted, so it may read the order's index to its end rather than the search's index."""
    return literal_column(str(int(number)), Integer)


def shown_page(number: int, total: int, per_page: int) -> int:
    """The page `id_page` shows when page `number` is asked of `total` rows."""
    return min(number, max(1, ceil(total / per_page)))


def counted_page(rows: Sequence[Sequence], number: int, limit: int, per_page: int) -> Page:
    """Page `number` of rows read joined to `keyed_page`/`id_page` with its `counted` as their
    last column: the items (the rest of each row, one value when one), how many there are (up
    to `limit`: exact below it) and the page shown (the last one when past the end)."""
    total = rows[0][-1] if rows else 0
    items = [row[0] if len(row) == 2 else tuple(row[:-1]) for row in rows]
    shown = shown_page(number, total, per_page)
    return Page(items, total, shown, per_page, total < limit, asked=number)
