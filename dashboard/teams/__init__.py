from flask import Blueprint

bp = Blueprint("teams", __name__, url_prefix="/admin/teams")

from . import views  # noqa: E402,F401
