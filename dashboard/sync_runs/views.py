"""The Sync history screens: the list of runs, a run's page (live while it runs), its CSV."""

from __future__ import annotations

from flask import Response, abort, render_template, request, stream_with_context, url_for
from redis.exceptions import RedisError

from .. import htmx
from ..database import reads_only
from ..listing import ListArgs, parse_page
from ..runs.progress import live_progress
from ..sync.undo import refusal, undo_runs
from . import bp, export, queries
from .live import poll_interval
from .queries import EventFilters, RunRow

PAGE = "sync_runs/detail.html"


@bp.get("/")
@reads_only
def index():
    notices: list[str] = []
    page_number = parse_page(request.args.get("page"), notices)
    args = ListArgs("sync_runs.index", page=page_number, notices=tuple(notices))
    page = queries.run_page(args)
    return htmx.render_page("sync_runs/index.html", "results", args=args, page=page)


def run_or_404(run_id: int, q: str = "") -> RunRow:
    row = queries.run_row(run_id, q)
    if row is None:
        abort(404)
    return row


@bp.get("/<id:run_id>")
@reads_only
def detail(run_id: int):
    filters = queries.parse_event_filters(request.args)
    row = run_or_404(run_id, filters.q)
    context = progress_context(row) | events_context(row, filters)
    if htmx.is_partial():
        return htmx.render_fragment(PAGE, "events", **context)
    context |= summary_context(row)
    return render_template(PAGE, groups=queries.run_groups(row.run), **context)


@bp.get("/<id:run_id>/live")
@reads_only
def live(run_id: int):
    """The run's summary, polled while it runs; once it ends, its events too."""
    filters = queries.parse_event_filters(request.args)
    row = run_or_404(run_id, filters.q)
    context = progress_context(row) | summary_context(row)
    body = htmx.render_fragment(PAGE, "summary", **context)
    if not context["progress"] or not context["progress"].active:
        context |= events_context(row, filters)
        events = htmx.render_fragment(PAGE, "events", **context)
        body += htmx.partial(events)
    return htmx.fragment_or_redirect(body, url_for("sync_runs.detail", run_id=run_id))


@bp.get("/<id:run_id>/events.csv")
def export_events(run_id: int):
    run = run_or_404(run_id).run
    filters = queries.parse_event_filters(request.args)
    lines = stream_with_context(export.csv_lines(run, filters))
    disposition = f'attachment; filename="{export.filename(run, filters)}"'
    return Response(lines, mimetype="text/csv", headers={"Content-Disposition": disposition})


def progress_context(row: RunRow) -> dict:
    """The run, and whether it is still going (what its events list needs too)."""
    progress, problem = None, None
    try:
        progress = live_progress(row.run)
    except RedisError:
        problem = "Redis cannot be reached, so whether this run is still going is unknown."
    return {"row": row, "run": row.run, "progress": progress, "live_problem": problem}


def summary_context(row: RunRow) -> dict:
    """What the run's summary shows besides its progress: its undo and the groups waiting."""
    undos = undo_runs(row.run)
    return {
        "poll_every": poll_interval(),
        "waiting_groups": queries.waiting_groups(row.run),
        "undo_runs": undos,
        "undo_refused": refusal(row.run, undos),
    }


def events_context(row: RunRow, filters: EventFilters) -> dict:
    return {
        "run": row.run,
        "filters": filters,
        "events": queries.event_page(row.run, filters, row.dense),
        "args": filters.list_args(row.run.id),
    }
