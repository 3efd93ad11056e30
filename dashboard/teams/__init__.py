from flask import Blueprint

bp = Blueprint("teams", __name__, url_prefix="/admin/teams")


def blueprint() -> Blueprint:
    """The blueprint with its routes. Importing the views registers them; that happens when the
    app is created, so importing any other module of this package does not import every screen."""
    from . import group_views, views  # noqa: F401

    return bp
