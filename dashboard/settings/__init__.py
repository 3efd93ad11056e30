"""Settings: the Thinkific connection, the request budget, the schedule and the removal rules,
as the environment sets them (read-only), with a Test connection button for admins."""

from flask import Blueprint

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def blueprint() -> Blueprint:
    """The blueprint with its routes. Importing the views registers them; that happens when the
    app is created, so importing any other module of this package does not import every screen."""
    from . import views  # noqa: F401

    return bp
