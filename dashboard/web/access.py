"""The Access page: endings waiting for approval (approve or reject in place), a preview of
what the next sync changes, and a Sync now that runs the whole sync (groups, then access)."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, url_for
from flask_login import current_user

from jobs.enqueue import begin_access_approval, begin_sync_all, reject_access_plan

from .. import htmx
from ..access.loading import Scope
from ..access.preview import AccessPreview, preview_access
from ..access.service import NoAccessPlanWaiting, paused_access
from ..models import RunTrigger
from ..plurals import count
from ..preview_allowance import PreviewRefused, spend_preview
from ..runs.progress import current_run, run_progress
from ..runs.starting import StartFailed
from ..sync.service import latest_run
from ..thinkific.remote import thinkific_client

bp = Blueprint("access", __name__, url_prefix="/admin/access")


def blueprint() -> Blueprint:
    return bp


PAGE = "access/index.html"


def page_context() -> dict:
    run = current_run() or latest_run()
    paused_run, waiting = paused_access()
    return {
        "run": run,
        "progress": run_progress(run) if run is not None else None,
        "paused_run": paused_run,
        "waiting": waiting,
    }


@bp.get("/")
def index():
    return render_template(PAGE, **page_context())


@bp.get("/status")
def status():
    """The sync section, polled while a sync runs (and once when the page is looked at again);
    once idle it brings the endings waiting for approval too, which that sync may have left."""
    if not htmx.is_htmx():
        return htmx.redirect(url_for("access.index"))
    context = page_context()
    body = htmx.render_fragment(PAGE, "status", **context)
    if not (context["progress"] and context["progress"].active):
        body += htmx.partial(htmx.render_fragment(PAGE, "waiting", **context))
    return htmx.fragment_response(body)


@bp.post("/sync")
def sync_now():
    try:
        started = begin_sync_all(RunTrigger.MANUAL, current_user)
    except StartFailed as error:
        return htmx.refuse(str(error), url_for("access.index"), status=503)
    if started.new:
        flash(f"Sync of all groups and their access: run {started.run.id}.", "success")
    else:
        flash(f"A sync of all groups is already running (run {started.run.id}).", "info")
    return _block("status")


@bp.get("/preview")
def preview():
    try:
        spend_preview(current_user.id)
    except PreviewRefused as refusal:
        plan = AccessPreview(Scope.everyone(), error=str(refusal))
        return htmx.render_fragment("access/_preview.html", preview=plan), 429
    with thinkific_client() as client:
        plan = preview_access(client, Scope.everyone())
    return htmx.render_fragment("access/_preview.html", preview=plan)


@bp.post("/approve")
def approve():
    try:
        started = begin_access_approval(current_user)
    except NoAccessPlanWaiting as error:
        flash(str(error), "warning")
    except StartFailed as error:
        return htmx.refuse(
            f"{error} The endings still wait for approval.", url_for("access.index"), status=503
        )
    else:
        flash(f"Approved: run {started.run.id} ends that access now.", "success")
    return _block("waiting")


@bp.post("/reject")
def reject():
    try:
        kept = reject_access_plan(current_user)
    except NoAccessPlanWaiting as error:
        flash(str(error), "warning")
    else:
        flash(f"Rejected: the access of {count(kept, 'user')} is kept; syncs leave it.", "success")
    return _block("waiting")


def _block(name: str):
    if not htmx.is_htmx():
        return htmx.redirect(url_for("access.index"))
    return htmx.render_fragment(PAGE, name, **page_context())
