"""Sync Groups: start a sync of all groups, and the progress fragment the Groups page polls.

The poll names the rows on the page (`ids`) and the moment of its previous answer (`since`);
it reads those rows in one query and sends back only the rows changed since, each replacing
its own `<tbody id="group-N">`. It carries its polling trigger only while a run is active or
a row on the page is queued or syncing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import flash, request, url_for
from flask_login import current_user
from markupsafe import Markup
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import load_only

from jobs.enqueue import begin_sync_all

from .. import htmx
from ..extensions import db
from ..models import Group, RunState, RunTrigger, SyncRun
from ..plurals import count
from ..runs import lifecycle as runs
from ..runs.progress import live_progress, reap_now_and_then, run_progress
from ..runs.starting import Started, StartFailed, start_wanted
from ..sync.service import latest_run
from ..sync_runs.queries import groups_waiting
from ..sync_runs.words import changes_in_words
from . import bp
from .queries import GROUPS_PER_PAGE, LIST_COLUMNS
from .status import REDIS_DOWN, is_live
from .sync_bar import BarState

PROGRESS = "groups/_sync_progress.html"
CHANGED_MARGIN = timedelta(seconds=10)  # a worker's commit can land a little after its clock read
MAX_IDS = 2 * GROUPS_PER_PAGE
FINISHED_CATEGORY = {RunState.SUCCEEDED: "success", RunState.FAILED: "error"}


@bp.post("/sync")
def sync_all():
    try:
        started = begin_sync_all(RunTrigger.MANUAL, current_user, check_silent=True)
    except StartFailed as error:
        return htmx.refuse(str(error), url_for("groups.index"), status=503)
    _say_started(started)
    if not htmx.is_partial():
        return htmx.redirect(url_for("groups.index"))
    bar = BarState(started.run, live_progress(started.run))
    return htmx.render_fragment(PROGRESS, bar=bar)


def _say_started(started: Started) -> None:
    for run in started.stopped:
        flash(
            f"The last sync of all groups (run #{run.id}) stopped unexpectedly: {run.error}",
            "warning",
        )
    if started.checking:
        flash(
            f"The last sync of all groups (run #{started.run.id}) has stopped reporting: it "
            "seems to have stopped unexpectedly. Checking… a new sync starts as soon as "
            "that is confirmed.",
            "warning",
        )
    elif started.new:
        flash(
            "Started a sync of all groups. It runs in the background: the badges below "
            "change as each group is synced.",
            "success",
        )
    else:
        flash(
            f"A sync of all groups is already running (run #{started.run.id}); "
            "here is its progress.",
            "info",
        )


@bp.get("/sync/progress")
def sync_progress():
    """The bar's progress and the page's changed rows (polled while something is live)."""
    if not htmx.is_htmx():
        return htmx.redirect(url_for("groups.index"))
    ids, since = _ids(request.args.get("ids", "")), _since(request.args.get("since"))
    try:
        # the page's own first ask ("load") shows what the page would have drawn: it finds no
        # dead run, which the polls that follow do (and say so)
        first = request.args.get("load") == "1"
        bar, ended = (_as_drawn(), None) if first else _poll(_id(request.args.get("run", "")))
    except RedisError:
        db.session.rollback()
        flash(REDIS_DOWN, "error")
        return htmx.render_fragment(PROGRESS, bar=BarState(problem=REDIS_DOWN))
    rows = _rows(ids)
    bar.rows_live = any(is_live(group) for group in rows)
    if ended is not None:
        _say_finished(ended)
    changed = [group for group in rows if since is None or group.updated_at >= since]
    body = htmx.render_fragment(PROGRESS, bar=bar)
    return body + htmx.render_fragment("groups/_row_updates.html", groups=changed)


def _as_drawn() -> BarState:
    """The bar as the page shows it first: the live run or the last one, only read (no commit:
    finding dead runs is left to the polls that follow)."""
    run = runs.live_run(None) or latest_run()
    return BarState(run, run_progress(run) if run else None)


def _poll(run_id: int | None) -> tuple[BarState, SyncRun | None]:
    """The bar now, and the run this poll watched if it has just ended."""
    reap_now_and_then()
    run = db.session.get(SyncRun, run_id) if run_id else None
    progress = live_progress(run) if run else None
    if progress is not None and progress.active:
        return BarState(run, progress), None
    newer = runs.live_run(None) or _start_wanted()
    if newer is not None:
        return BarState(newer, live_progress(newer)), run
    last = run or latest_run()
    return BarState(last, live_progress(last) if last else None), run


def _start_wanted() -> SyncRun | None:
    """Start the sync pressed for while the last run was checked, once that run is dead."""
    try:
        run = start_wanted(lambda by: begin_sync_all(RunTrigger.MANUAL, by))
    except StartFailed as error:
        flash(str(error), "error")
        return None
    if run is not None:
        flash(f"Started a sync of all groups (run #{run.id}).", "success")
    return run


def _rows(ids: list[int]) -> list[Group]:
    if not ids:
        return []
    columns = load_only(*LIST_COLUMNS, Group.updated_at)
    return list(db.session.scalars(select(Group).options(columns).where(Group.id.in_(ids))))


def _say_finished(run: SyncRun) -> None:
    """The flash that ends a run: its counts, groups left waiting for approval, the link."""
    summary = changes_in_words(run)
    waiting = groups_waiting(run)
    if waiting:
        summary += f"; {count(waiting, 'group')} paused, waiting for an admin to approve removals"
    link = Markup(' <a href="{}">See run #{}</a>.').format(
        url_for("sync_runs.detail", run_id=run.id), run.id
    )
    if run.state == RunState.SUCCEEDED:
        message = Markup("The sync of all groups finished: {}.").format(summary)
    else:
        message = Markup("The sync of all groups ended with problems: {}. {}").format(
            summary, run.error or ""
        )
    flash(message + link, FINISHED_CATEGORY.get(run.state, "warning"))


def _ids(raw: str) -> list[int]:
    """The row ids the page sent: at most two pages' worth; anything not an id is ignored."""
    ids = (_id(part) for part in raw.split(","))
    return [value for value in ids if value is not None][:MAX_IDS]


def _id(raw: str) -> int | None:
    """A row id (1 to 2**31-1, like the URL converter), or None."""
    if not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value < 2**31 else None


def _since(raw: str | None) -> datetime | None:
    try:
        moment = datetime.fromtimestamp(int(raw or ""), UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return moment - CHANGED_MARGIN
