"""Settings: the Thinkific connection, the request budget, the schedule and the removal rules,
as the environment sets them (read-only), with a Test connection button for admins."""

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")

from . import views  # noqa: E402,F401
