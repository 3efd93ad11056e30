"""Courses and enrollments (API-NOTES §11), as client methods mixed into `ThinkificClient`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from .resources import Course, Enrollment

ENROLLMENT_FILTERS = frozenset(
    {
        "user_id",
        "course_id",
        "email",
        "free_trial",
        "full",
        "completed",
        "expired",
        "created_on",
        "created_before",
        "created_on_or_before",
        "created_after",
        "created_on_or_after",
        "updated_on",
        "updated_before",
        "updated_on_or_before",
        "updated_after",
    }
)


class CatalogOperations:
    """Courses (read) and enrollments (read, create, update)."""

    def iter_courses(self) -> Iterator[Course]:
        return self._iterate("/courses", Course.parse)

    def iter_enrollments(self, **filters: Any) -> Iterator[Enrollment]:
        """Enrollments matching Thinkific's filters, e.g. `user_id=1, completed=True`."""
        unknown = set(filters) - ENROLLMENT_FILTERS
        if unknown:
            raise ValueError(f"unknown enrollment filters: {', '.join(sorted(unknown))}")
        query = {f"query[{k}]": _query_value(v) for k, v in filters.items() if v is not None}
        return self._iterate("/enrollments", Enrollment.parse, query)

    def get_enrollment(self, enrollment_id: int) -> Enrollment:
        return Enrollment.parse(self._get(f"/enrollments/{int(enrollment_id)}"))

    def create_enrollment(
        self,
        user_id: int,
        course_id: int,
        *,
        activated_at: datetime | None = None,
        expiry_date: datetime | None = None,
    ) -> Enrollment:
        """Enroll a user (a free trial without `activated_at`; no expiry without `expiry_date`)."""
        body = {"user_id": int(user_id), "course_id": int(course_id)}
        body.update(_dates(activated_at=activated_at, expiry_date=expiry_date))
        return self._verified_create(
            lambda: Enrollment.parse(self._post("/enrollments", body, idempotent=False)),
            lambda: next(self.iter_enrollments(user_id=user_id, course_id=course_id), None),
        )

    def update_enrollment(
        self,
        enrollment_id: int,
        *,
        activated_at: datetime | None = None,
        expiry_date: datetime | None = None,
    ) -> None:
        """Change an enrollment's dates (204, or 200 with an empty body, both accepted)."""
        body = _dates(activated_at=activated_at, expiry_date=expiry_date)
        if not body:
            raise ValueError("update_enrollment needs activated_at or expiry_date")
        self._put(f"/enrollments/{int(enrollment_id)}", body)


def iso_utc(moment: datetime) -> str:
    """`2026-01-31T12:00:00Z`; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment!r} has no time zone; pass an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dates(**moments: datetime | None) -> dict[str, str]:
    return {name: iso_utc(value) for name, value in moments.items() if value is not None}


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return iso_utc(datetime(value.year, value.month, value.day, tzinfo=UTC))
    return value
