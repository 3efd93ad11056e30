"""The pagination envelope of every Thinkific collection (API-NOTES §2)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .replies import ApiError

DEFAULT_LIMIT = 25
MAX_LIMIT = 250


def _whole(value: str | None, default: int) -> int:
    """Rails-like `to_i` of a numeric parameter; anything unreadable means the default."""
    if value is None or value.strip() == "":
        return default
    try:
        return int(float(value))
    except ValueError:
        return default


def page_and_limit(args: Mapping[str, str], switches: Mapping[str, Any]) -> tuple[int, int]:
    page = max(_whole(args.get("page"), 1), 1)
    limit = _whole(args.get("limit"), DEFAULT_LIMIT)
    if 1 <= limit <= MAX_LIMIT:
        return page, limit
    if switches["LIMIT_OVER_MAX"] == "422":
        raise ApiError(
            422,
            {"errors": {"limit": [f"must be between 1 and {MAX_LIMIT}"]}},
            deviation="LIMIT_OVER_MAX=422",
        )
    return page, min(max(limit, 1), MAX_LIMIT)


def paginate(
    ids: Sequence[int],
    render: Callable[[int], dict],
    args: Mapping[str, str],
    switches: Mapping[str, Any],
) -> dict[str, Any]:
    """One page of `ids` (filtered, in id order), rendered, in the `items`/`meta` envelope."""
    page, limit = page_and_limit(args, switches)
    if switches["ORDER"] == "id_desc":
        ids = list(reversed(ids))
    total = len(ids)
    pages = math.ceil(total / limit) if total else 1
    start = (page - 1) * limit
    items = [render(item_id) for item_id in ids[start : start + limit]]
    return {
        "items": items,
        "meta": {"pagination": _meta(page, pages, total, start, items, switches)},
    }


def _meta(page, pages, total, start, items, switches) -> dict[str, Any]:
    first_prev = 0 if switches["PREV_PAGE_ON_FIRST"] == "zero" else None
    meta = {
        "current_page": page,
        "next_page": page + 1 if page < pages else None,
        "prev_page": page - 1 if page > 1 else first_prev,
        "total_pages": pages,
        "total_items": total,
    }
    if switches["ENTRIES_INFO"]:
        meta["entries_info"] = _entries_info(start, len(items), total)
    return meta


def _entries_info(start: int, count: int, total: int) -> str:
    if not count:
        return f"0 of {total}" if total else "No entries found"
    return f"{start + 1}-{start + count} of {total}"
