"""Thinkific's Admin REST API v1, as far as the dashboard uses it (one module per resource)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request

from ..replies import ApiError
from ..runtime import API_BASE

bp = Blueprint("thinkific_api", __name__, url_prefix=API_BASE)


def json_body() -> dict[str, Any]:
    """The request's JSON object; a body that is not one is a 400, as Rails answers it."""
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, {"error": "Malformed request body: expected a JSON object."})
    return data


def deviate(switch: str) -> None:
    """Mark this answer as a deliberate departure from the spec, made by a switch."""
    g.deviation = switch


def whole_number(value: Any) -> int | None:
    """An id as the API reads it: 12, 12.0 and "12" are 12; anything else is None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


from . import courses, enrollments, group_users, groups, users  # noqa: E402

__all__ = ["bp", "courses", "enrollments", "group_users", "groups", "users"]
