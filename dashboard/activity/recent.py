"""What a detail page shows of the trail: its object's newest records, for admins only (the
Activity screen is theirs; viewers see no records and no link to it)."""

from __future__ import annotations

from flask_login import current_user

from ..models import Activity
from .queries import recent


def recent_for_page(type_: str, object_id: int) -> list[Activity] | None:
    if not current_user.is_admin:
        return None
    return recent(type_, object_id)
