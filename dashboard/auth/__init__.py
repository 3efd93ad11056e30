from flask import Blueprint

bp = Blueprint("auth", __name__)


def blueprint() -> Blueprint:
    """The blueprint with its routes. Importing the views registers them; that happens when the
    app is created, so importing any other module of this package does not import every screen."""
    from . import account_views, views  # noqa: F401

    return bp
