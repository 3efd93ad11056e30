"""Enrollments: list (with the `query[...]` filters of API-NOTES §11), get, create (201),
update (204 per spec; 200 with an empty body by switch). There is no DELETE."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import Response, request

from .. import shapes
from ..pagination import paginate
from ..replies import empty, invalid, json_reply, not_found
from ..runtime import Emulator, emulator
from ..state import Enrollment, utcnow
from . import bp, deviate, json_body, whole_number

DATE_FILTERS: dict[str, tuple[str, Callable]] = {
    "created_before": ("created_at", operator.lt),
    "created_on_or_before": ("created_at", operator.le),
    "created_after": ("created_at", operator.gt),
    "created_on_or_after": ("created_at", operator.ge),
    "updated_before": ("updated_at", operator.lt),
    "updated_on_or_before": ("updated_at", operator.le),
    "updated_after": ("updated_at", operator.gt),
}
DAY_FILTERS = {"created_on": "created_at", "updated_on": "updated_at"}


@bp.get("/enrollments")
def list_enrollments() -> Response:
    e = emulator()
    now = utcnow()
    with e.lock:
        ids = [item.id for item in filtered(e, request.args, now)]
        store = e.store
        body = paginate(
            ids,
            lambda i: shapes.enrollment(store.enrollments[i], store, now),
            request.args,
            e.switches,
        )
    return json_reply(body)


def filtered(e: Emulator, args, now: datetime) -> Iterable[Enrollment]:
    items: Iterable[Enrollment] = [e.store.enrollments[i] for i in sorted(e.store.enrollments)]
    for name in ("user_id", "course_id"):
        if f"query[{name}]" in args:
            wanted = whole_number(args[f"query[{name}]"])
            items = [i for i in items if getattr(i, name) == wanted]
    if "query[email]" in args:
        owner = e.store.user_by_email(args["query[email]"])
        items = [i for i in items if owner is not None and i.user_id == owner.id]
    return [i for i in items if _flags_match(i, args, now) and _dates_match(i, args)]


def _flags_match(item: Enrollment, args, now: datetime) -> bool:
    flags = {
        "free_trial": item.activated_at is None,
        "full": item.activated_at is not None,
        "completed": item.completed_at is not None,
        "expired": shapes.is_expired(item, now),
    }
    return all(value for name, value in flags.items() if _true(args.get(f"query[{name}]")))


def _true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in {"true", "1"}


def _dates_match(item: Enrollment, args) -> bool:
    for name, (field, compare) in DATE_FILTERS.items():
        moment = _moment(args.get(f"query[{name}]"))
        if moment is not None and not compare(getattr(item, field), moment):
            return False
    for name, field in DAY_FILTERS.items():
        moment = _moment(args.get(f"query[{name}]"))
        if moment is not None and getattr(item, field).date() != moment.date():
            return False
    return True


def _moment(value: str | None) -> datetime | None:
    try:
        return shapes.parse_timestamp(value) if value else None
    except ValueError:
        return None


@bp.get("/enrollments/<int:enrollment_id>")
def get_enrollment(enrollment_id: int) -> Response:
    e = emulator()
    with e.lock:
        item = e.store.enrollments.get(enrollment_id)
        if item is None:
            raise not_found()
        return json_reply(shapes.enrollment(item, e.store, utcnow()))


@bp.post("/enrollments")
def create_enrollment() -> Response:
    data = json_body()
    dates = read_dates(data)
    e = emulator()
    with e.lock:
        user_id, course_id = whole_number(data.get("user_id")), whole_number(data.get("course_id"))
        errors = []
        if course_id not in e.store.courses:
            errors.append("Course could not be found.")
        if user_id not in e.store.users:
            errors.append("User could not be found.")
        if errors:
            raise invalid(errors)
        item = e.store.enrollment_of(user_id, course_id)
        if item is not None and e.switches["ENROLLMENT_EXISTING"] == "422":
            raise invalid(["User is already enrolled in this course."])
        if item is None:
            item = e.store.add_enrollment(user_id, course_id, **dates)
        else:
            update(item, dates)
        return json_reply(shapes.enrollment(item, e.store, utcnow()), 201)


def read_dates(data: dict) -> dict[str, datetime | None]:
    """`activated_at` / `expiry_date` from a body (null clears); a bad date is a 422."""
    dates = {}
    for name in ("activated_at", "expiry_date"):
        if name in data:
            try:
                dates[name] = shapes.parse_timestamp(data[name]) if data[name] else None
            except (TypeError, ValueError, AttributeError):
                raise invalid({name: ["is invalid"]}) from None
    return dates


def update(item: Enrollment, dates: dict[str, datetime | None]) -> None:
    for name, value in dates.items():
        setattr(item, name, value)
    item.updated_at = utcnow()


@bp.put("/enrollments/<int:enrollment_id>")
def update_enrollment(enrollment_id: int) -> Response:
    dates = read_dates(json_body())
    e = emulator()
    with e.lock:
        item = e.store.enrollments.get(enrollment_id)
        if item is None:
            raise not_found()
        update(item, dates)
        status = e.switches["ENROLLMENT_PUT_STATUS"]
    if status == 200:
        deviate("ENROLLMENT_PUT_STATUS=200")
    return empty(status)
