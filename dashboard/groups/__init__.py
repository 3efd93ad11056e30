from flask import Blueprint

from .forms import DIRECTIONS
from .status import group_status

bp = Blueprint("groups", __name__, url_prefix="/admin/groups")
bp.add_app_template_global(group_status, "group_status")
bp.add_app_template_global(DIRECTIONS, "sync_directions")

from . import (  # noqa: E402,F401
    assign_views,
    detail_views,
    group_sync_views,
    link_views,
    member_views,
    sync_views,
    views,
)
