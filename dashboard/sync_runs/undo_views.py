"""Undo this run: the plan that reverts what a finished run applied, and its confirmation.

The plan page is a preview (Thinkific read, nothing written; it spends one of the account's
previews); confirming starts a new run that undoes it, shown on its own page. Admins only.
"""

from __future__ import annotations

from flask import flash, render_template, url_for
from flask_login import current_user
from redis.exceptions import RedisError

from jobs.enqueue import start_undo
from jobs.undo.service import preview_undo

from .. import htmx
from ..auth.permissions import require_admin
from ..preview_allowance import PreviewRefused, spend_preview
from ..runs.lifecycle import SyncBusy
from ..runs.starting import StartFailed
from ..sync.undo import UndoRefused, refusal
from ..thinkific.errors import ThinkificError
from . import bp
from .views import run_or_404


@bp.get("/<id:run_id>/undo")
def undo_preview(run_id: int):
    require_admin()
    run = run_or_404(run_id).run
    problem = refusal(run)
    if problem:
        return htmx.refuse(problem, url_for("sync_runs.detail", run_id=run.id))
    try:
        spend_preview(current_user.id)
        preview = preview_undo(run)
    except PreviewRefused as error:
        return htmx.refuse(str(error), url_for("sync_runs.detail", run_id=run.id), status=429)
    except (ThinkificError, RedisError) as error:
        why = f"The plan could not be read: {error}"
        return htmx.refuse(why, url_for("sync_runs.detail", run_id=run.id), status=503)
    return render_template("sync_runs/undo_preview.html", run=run, preview=preview)


@bp.post("/<id:run_id>/undo")
def undo(run_id: int):
    run = run_or_404(run_id).run
    back = url_for("sync_runs.detail", run_id=run.id)
    try:
        undo_run = start_undo(run, current_user)
    except (UndoRefused, SyncBusy) as error:
        return htmx.refuse(str(error), back)
    except StartFailed as error:
        return htmx.refuse(str(error), back, status=503)
    flash(f"Undoing run #{run.id}: this is the run that does it.", "success")
    return htmx.redirect(url_for("sync_runs.detail", run_id=undo_run.id))
