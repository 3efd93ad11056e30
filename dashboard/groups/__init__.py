from flask import Blueprint

bp = Blueprint("groups", __name__, url_prefix="/admin/groups")


def blueprint() -> Blueprint:
    """The blueprint with its routes. Importing the views registers them; that happens when the
    app is created, so importing any other module of this package does not import every screen."""
    from . import (  # noqa: F401
        assign_views,
        bulk_views,
        detail_views,
        export,
        group_sync_views,
        import_views,
        link_views,
        member_views,
        sync_bar_views,
        views,
    )

    return bp
