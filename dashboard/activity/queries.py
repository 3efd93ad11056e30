"""Reading the audit trail: the filtered list (newest first), its CSV, an object's recent lines.

A page costs a capped count and one query, a search's page one query for both; the CSV reads
the records in batches by id (keyset), newest first, so an export of years of activity never
holds it in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select

from ..extensions import db
from ..listing import (
    ListArgs,
    Page,
    count_limit,
    paginate,
    parse_page,
    parse_search,
)
from ..models import Account, Activity
from ..page_ids import counted_page, id_page
from ..search import ACTIVITIES, count_cap, finds
from .kinds import KIND_WORDS, OBJECT_TYPES

PER_PAGE = 50
EXPORT_BATCH = 2000
RECENT = 5  # lines a detail page shows
EMAIL_MAX = 254


@dataclass(frozen=True)
class ObjectRef:
    """One object the trail is about: `group:12` in the query string."""

    type: str
    id: int

    def __str__(self) -> str:
        return f"{self.type}:{self.id}"


@dataclass(frozen=True)
class ActivityFilters:
    """What the Activity list shows; a value that is not a real choice is ignored (noted)."""

    person: str = ""
    kind: str = ""
    type: str = ""
    object: ObjectRef | None = None
    q: str = ""
    page: int = 1
    notices: tuple[str, ...] = field(default=(), compare=False)

    def values(self) -> dict[str, Any]:
        """The filters as URL values (empty ones left out)."""
        values = {
            "person": self.person,
            "kind": self.kind,
            "type": self.type,
            "object": str(self.object) if self.object else "",
        }
        return {key: value for key, value in values.items() if value}

    def list_args(self) -> ListArgs:
        return ListArgs(
            "activity.index", self.values(), q=self.q, page=self.page, notices=self.notices
        )

    @property
    def active(self) -> bool:
        return bool(self.values() or self.q)


def parse_filters(args: Mapping[str, str]) -> ActivityFilters:
    notices: list[str] = []
    person = " ".join(args.get("person", "").split()).lower()[:EMAIL_MAX]
    kind = args.get("kind", "")
    if kind and kind not in KIND_WORDS:
        notices.append("That is not a kind of activity the trail records; showing every kind.")
        kind = ""
    type_ = args.get("type", "")
    if type_ and type_ not in OBJECT_TYPES:
        notices.append("That is not a kind of object; showing activity about any object.")
        type_ = ""
    ref = parse_object(args.get("object", ""), notices)
    q, page = parse_search(args.get("q"), notices), parse_page(args.get("page"), notices)
    return ActivityFilters(person, kind, type_, ref, q, page, tuple(notices))


def parse_object(raw: str, notices: list[str]) -> ObjectRef | None:
    if not raw:
        return None
    type_, _, number = raw.partition(":")
    if type_ in OBJECT_TYPES and number.isascii() and number.isdigit() and int(number) < 2**31:
        return ObjectRef(type_, int(number))
    notices.append("That is not an object the trail names; showing activity about any object.")
    return None


def activity_page(filters: ActivityFilters) -> Page:
    """A page of the matching records, newest first, counted up to a thousand (or past the
    page asked for). A search is run once for both (`page_ids.id_page`); without one, the
    count reads an index and the page its first rows (numbering a thousand ids costs more)."""
    if not filters.q:
        query = _matching(filters).order_by(Activity.id.desc())
        return paginate(query, filters.page, capped=True, per_page=PER_PAGE)
    limit = count_limit(filters.page, PER_PAGE, count_cap(filters.q))
    ids = _matching(filters, select(Activity.id))
    shown = id_page(ids, filters.page, limit, per_page=PER_PAGE, newest_first=True)
    rows = db.session.execute(
        select(Activity, shown.c.counted)
        .join(shown, shown.c.id == Activity.id)
        .order_by(Activity.id.desc())
    ).all()
    return counted_page(rows, filters.page, limit, PER_PAGE)


def iter_activities(filters: ActivityFilters) -> Iterator[Activity]:
    """Every matching record, newest first, read in batches."""
    last = None
    while True:
        query = _matching(filters)
        if last is not None:
            query = query.where(Activity.id < last)
        batch = list(db.session.scalars(query.order_by(Activity.id.desc()).limit(EXPORT_BATCH)))
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        last = batch[-1].id


def recent(type_: str, object_id: int, limit: int = RECENT) -> list[Activity]:
    """The newest records about one object (or naming it as the second object)."""
    about = {"about_type": type_, "about_id": object_id}
    return list(db.session.scalars(_recent_statement(limit), about))


@cache
def _recent_statement(limit: int) -> Select:
    """`recent`'s statement, built once for each `limit`: the object is its parameters."""
    about = _about(ObjectRef(bindparam("about_type"), bindparam("about_id")))  # type: ignore[arg-type]
    return select(Activity).where(about).order_by(Activity.id.desc()).limit(limit)


def object_name(ref: ObjectRef) -> str | None:
    """The object's name as the newest record about it gives it."""
    newest = recent(ref.type, ref.id, limit=1)
    if not newest:
        return None
    row = newest[0]
    same = row.object_type == ref.type and row.object_id == ref.id
    return row.object_name if same else row.related_name


def people() -> list[str]:
    """The accounts' emails, for the person filter."""
    return list(db.session.scalars(select(Account.email).order_by(Account.email)))


def _matching(filters: ActivityFilters, query: Select | None = None) -> Select:
    """`query` (the records) with the conditions of `filters`."""
    query = select(Activity) if query is None else query
    if filters.person:
        query = query.where(Activity.actor_email == filters.person)
    if filters.kind:
        query = query.where(Activity.kind == filters.kind)
    if filters.type:
        query = query.where(
            or_(Activity.object_type == filters.type, Activity.related_type == filters.type)
        )
    if filters.object:
        query = query.where(_about(filters.object))
    if filters.q:
        query = query.where(finds(ACTIVITIES, filters.q))
    return query


def _about(ref: ObjectRef):
    return or_(
        and_(Activity.object_type == ref.type, Activity.object_id == ref.id),
        and_(Activity.related_type == ref.type, Activity.related_id == ref.id),
    )
