from flask import Blueprint

from .forms import DIRECTIONS
from .status import group_status

bp = Blueprint("groups", __name__, url_prefix="/admin/groups")
bp.add_app_template_global(group_status, "group_status")
bp.add_app_template_global(DIRECTIONS, "sync_directions")

from . import assign_views, detail_views, link_views, member_views, views  # noqa: E402,F401
