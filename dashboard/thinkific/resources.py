"""Typed results, checked on the way in: a wrong answer raises `MalformedResponse`, not KeyError.

Each `*.parse(data)` reads only the fields the dashboard uses; extra fields are ignored, a
missing or mistyped field we rely on is an error naming the resource and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from .errors import MalformedResponse

T = TypeVar("T")
PLACEHOLDER_LAST_NAME = "-"  # Thinkific requires a last name; some dashboard users have none


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    name: str
    token: str
    created_at: datetime | None

    @classmethod
    def parse(cls, data: Any) -> Group:
        if isinstance(data, dict) and isinstance(data.get("group"), dict):
            data = data["group"]  # some sites wrap a single group (API-NOTES §5)
        d = _record(data, "group")
        return cls(
            id=_int(d, "id", "group"),
            name=_str(d, "name", "group"),
            token=_str(d, "token", "group", required=False) or "",
            created_at=_datetime(d, "created_at", "group"),
        )


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    first_name: str
    last_name: str
    roles: tuple[str, ...]
    created_at: datetime | None
    external_source: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @classmethod
    def parse(cls, data: Any) -> User:
        d = _record(data, "user")
        return cls(
            id=_int(d, "id", "user"),
            email=_str(d, "email", "user"),
            first_name=_str(d, "first_name", "user", required=False) or "",
            last_name=_str(d, "last_name", "user", required=False) or "",
            roles=tuple(_list(d, "roles", "user", str)),
            created_at=_datetime(d, "created_at", "user"),
            external_source=_str(d, "external_source", "user", required=False),
        )


@dataclass(frozen=True, slots=True)
class Course:
    id: int
    name: str
    slug: str
    product_id: int | None

    @classmethod
    def parse(cls, data: Any) -> Course:
        d = _record(data, "course")
        return cls(
            id=_int(d, "id", "course"),
            name=_str(d, "name", "course"),
            slug=_str(d, "slug", "course", required=False) or "",
            product_id=_int(d, "product_id", "course", required=False),
        )


@dataclass(frozen=True, slots=True)
class Enrollment:
    id: int
    user_id: int
    user_email: str
    course_id: int
    course_name: str
    activated_at: datetime | None
    expiry_date: datetime | None
    completed_at: datetime | None
    expired: bool
    completed: bool
    is_free_trial: bool
    percentage_completed: float

    @classmethod
    def parse(cls, data: Any) -> Enrollment:
        d = _record(data, "enrollment")
        return cls(
            id=_int(d, "id", "enrollment"),
            user_id=_int(d, "user_id", "enrollment"),
            user_email=_str(d, "user_email", "enrollment", required=False) or "",
            course_id=_int(d, "course_id", "enrollment"),
            course_name=_str(d, "course_name", "enrollment", required=False) or "",
            activated_at=_datetime(d, "activated_at", "enrollment"),
            expiry_date=_datetime(d, "expiry_date", "enrollment"),
            completed_at=_datetime(d, "completed_at", "enrollment"),
            expired=_bool(d, "expired", "enrollment"),
            completed=_bool(d, "completed", "enrollment"),
            is_free_trial=_bool(d, "is_free_trial", "enrollment"),
            percentage_completed=_number(d, "percentage_completed", "enrollment"),
        )


def _record(data: Any, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise MalformedResponse(f"Thinkific sent a {what} that is not a JSON object: {data!r:.80}")
    return data


def _field(d: dict, key: str, what: str, kinds: tuple[type, ...], required: bool) -> Any:
    value = d.get(key)
    if value is None:
        if required:
            raise MalformedResponse(f"Thinkific sent a {what} without {key!r}")
        return None
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise MalformedResponse(f"Thinkific sent a {what} whose {key!r} is {value!r:.40}")
    return value


def _int(d: dict, key: str, what: str, *, required: bool = True) -> Any:
    value = _field(d, key, what, (int, float), required)
    if isinstance(value, float) and not value.is_integer():
        raise MalformedResponse(f"Thinkific sent a {what} whose {key!r} is {value!r}")
    return None if value is None else int(value)


def _str(d: dict, key: str, what: str, *, required: bool = True) -> Any:
    return _field(d, key, what, (str,), required)


def _bool(d: dict, key: str, what: str) -> bool:
    return bool(_field(d, key, what, (bool,), required=False))


def _number(d: dict, key: str, what: str) -> float:
    value = _field(d, key, what, (int, float), required=False)
    return float(value or 0)


def _list(d: dict, key: str, what: str, kind: type[T], *, required: bool = False) -> list[T]:
    values = _field(d, key, what, (list,), required) or []
    if not all(isinstance(v, kind) and not isinstance(v, bool) for v in values):
        raise MalformedResponse(f"Thinkific sent a {what} whose {key!r} holds unexpected values")
    return list(values)


def _datetime(d: dict, key: str, what: str) -> datetime | None:
    raw = _str(d, key, what, required=False)
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise MalformedResponse(f"Thinkific sent a {what} whose {key!r} is {raw!r:.40}") from None
