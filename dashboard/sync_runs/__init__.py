"""Sync history: every run, newest first, and one run's events (filtered, exported as CSV)."""

from flask import Blueprint

# Its routes take `<id:run_id>`: the `id` converter is registered before this blueprint (by
# the groups blueprint, listed earlier in BLUEPRINTS).
bp = Blueprint("sync_runs", __name__, url_prefix="/admin/sync-runs")


def blueprint() -> Blueprint:
    """The blueprint with its routes. Importing the views registers them; that happens when the
    app is created, so importing any other module of this package does not import every screen."""
    from . import undo_views, views  # noqa: F401

    return bp
