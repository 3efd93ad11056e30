"""Sync history: every run, newest first, and one run's events (filtered, exported as CSV)."""

from flask import Blueprint

from . import words

# Its routes take `<id:run_id>`: the `id` converter is registered before this blueprint (by
# the groups blueprint, listed earlier in BLUEPRINTS).
bp = Blueprint("sync_runs", __name__, url_prefix="/admin/sync-runs")
bp.add_app_template_global(words, "run_words")

from . import views  # noqa: E402,F401
