"""Sync history: every run, newest first, and one run's events (filtered, exported as CSV)."""

from flask import Blueprint

from ..groups import IdConverter
from . import words

bp = Blueprint("sync_runs", __name__, url_prefix="/admin/sync-runs")
bp.record_once(lambda state: state.app.url_map.converters.setdefault("id", IdConverter))
bp.add_app_template_global(words, "run_words")

from . import views  # noqa: E402,F401
