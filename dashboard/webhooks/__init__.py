from flask import Blueprint

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def blueprint() -> Blueprint:
    """The blueprint with its routes. Importing the views registers them; that happens when the
    app is created, so importing any other module of this package does not import every screen."""
    from ..web import webhooks  # noqa: F401

    return bp
