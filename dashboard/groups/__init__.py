from flask import Blueprint
from werkzeug.routing import IntegerConverter

from .forms import DIRECTIONS
from .status import group_status
from .urls import group_url


class IdConverter(IntegerConverter):
    """A row id in a URL: 1 to 2**31-1, so a huge number is a 404, never a database error."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=2**31 - 1)


bp = Blueprint("groups", __name__, url_prefix="/admin/groups")
bp.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))
bp.add_app_template_global(group_status, "group_status")
bp.add_app_template_global(DIRECTIONS, "sync_directions")
bp.add_app_template_global(group_url, "group_url")

from . import (  # noqa: E402,F401
    assign_views,
    detail_views,
    group_sync_views,
    link_views,
    member_views,
    sync_views,
    views,
)
