"""The sync section of a group's page: Sync now, Preview sync, the live status, and the
Approve/Reject of a plan that paused for too many removals."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user
from redis.exceptions import RedisError

from jobs.enqueue import NothingToDecide, begin_decision, begin_group_sync
from jobs.preview import GroupPreview, preview_group

from .. import htmx
from ..models import Group, SyncMode
from ..plurals import count
from ..preview_allowance import PreviewRefused, spend_preview
from ..runs import lifecycle as runs
from ..runs.progress import reap_now_and_then
from ..runs.starting import StartFailed
from ..settings.connection import explain
from ..sync.planner import ACTION_ORDER, summary_words
from ..text import stamp
from ..thinkific.errors import ThinkificError
from . import bp
from .detail_views import (
    detail_context,
    detail_url,
    group_or_404,
    member_args,
    render_detail_block,
)
from .group_sync_info import group_sync_info, paused_of, removals_in
from .status import REDIS_DOWN, is_live

STATUS = "groups/_group_sync_status.html"
ACTIONS = "groups/_group_sync_actions.html"


@bp.post("/<id:group_id>/sync")
def sync_group(group_id: int):
    group = group_or_404(group_id)
    problem = _cannot_sync(group)
    if problem:
        return htmx.refuse(problem, detail_url(group))
    try:
        started = begin_group_sync(group, by=current_user)
    except StartFailed as error:
        return htmx.refuse(str(error), detail_url(group), status=503)
    if started.new:
        flash(f"Sync of {group.name} started: its status below updates by itself.", "success")
    else:
        flash(f"{group.name} is already being synced (run #{started.run.id}).", "info")
    return htmx.fragment_or_redirect(_status(group), detail_url(group))


def _cannot_sync(group: Group) -> str | None:
    if group.sync_mode == SyncMode.NONE:
        return (
            f"{group.name} has no team link that syncs: assign a team with a sync "
            "direction other than Disabled first."
        )
    if group.deleted_in_thinkific_at is not None:
        return f"{group.name} was deleted in Thinkific; its links are paused."
    return None


@bp.get("/<id:group_id>/sync/status")
def group_sync_status(group_id: int):
    """The group's sync status, polled while it is queued or syncing; at the end, the rest of
    what the sync changed: its actions and runs, its members, and its Thinkific id."""
    group = group_or_404(group_id)
    try:
        reap_now_and_then()
        run_live = not is_live(group) and runs.live_run(group.id) is not None
    except RedisError:
        flash(REDIS_DOWN, "error")
        return htmx.fragment_or_redirect(_status(group, problem=REDIS_DOWN), detail_url(group))
    if is_live(group):
        return htmx.fragment_or_redirect(_status(group), detail_url(group))
    catching_up = not run_live and request.args.get("live") != "1"  # an idle page, looked at
    if htmx.is_partial() and catching_up and request.args.get("seen") == stamp(group.updated_at):
        return htmx.nothing_changed()  # nothing happened meanwhile
    # The group is done; while its run goes on (course access), the runs list keeps up with it.
    status = _status(group, run_live=run_live)
    return htmx.fragment_or_redirect(status + _after_sync(group), detail_url(group))


def _after_sync(group: Group) -> str:
    context = detail_context(group, member_args(group, request.args))
    body = htmx.partial(_actions(group))
    body += htmx.partial(render_detail_block("member_list", context))
    if str(group.thinkific_id or 0) != request.args.get("tid", "0"):
        body += htmx.partial(render_detail_block("summary", context))
    return body


@bp.get("/<id:group_id>/sync/preview")
def group_sync_preview(group_id: int):
    """The plan a sync would carry out now, with every reason; nothing is written anywhere."""
    group = group_or_404(group_id)
    preview, status = _preview(group)
    context = {"group": group, "preview": preview, "counts": plan_counts(preview)}
    if htmx.is_partial():
        body = htmx.render_fragment("groups/_group_sync_preview.html", closable=True, **context)
        return body, status
    return render_template("groups/group_sync_preview.html", **context), status


def _preview(group: Group) -> tuple[GroupPreview, int]:
    """The preview and the status to answer with (429 when this account used its previews)."""
    try:
        spend_preview(current_user.id)
        return preview_group(group), 200
    except PreviewRefused as refusal:
        return GroupPreview(group, error=str(refusal)), 429
    except (ThinkificError, RedisError) as error:
        return GroupPreview(group, error=explain(error)), 200


def plan_counts(preview: GroupPreview) -> list[tuple[str, int]]:
    """How many changes of each kind, in the planner's order ("3 to add in Thinkific")."""
    if preview.plan is None:
        return []
    counts = [(action, len(preview.plan.of(action))) for action in ACTION_ORDER]
    return [(summary_words(action, number), number) for action, number in counts if number]


@bp.post("/<id:group_id>/sync/approve")
def approve_plan(group_id: int):
    return _decide(group_or_404(group_id), approve=True)


@bp.post("/<id:group_id>/sync/reject")
def reject_plan(group_id: int):
    return _decide(group_or_404(group_id), approve=False)


def _decide(group: Group, *, approve: bool):
    removals = removals_in(paused_of(group)[1])
    try:
        started = begin_decision(group, current_user, approve=approve)
    except NothingToDecide as error:
        return htmx.refuse(f"{error} It may have been decided meanwhile.", detail_url(group))
    except StartFailed as error:
        return htmx.refuse(str(error), detail_url(group), status=503)
    if not started.new:
        return htmx.refuse(
            f"{group.name} is being synced right now (run #{started.run.id}); "
            "decide once that run ends.",
            detail_url(group),
        )
    flash(_decided(group, approve, removals), "success")
    body = _status(group) + htmx.partial(_actions(group))
    return htmx.fragment_or_redirect(body, detail_url(group))


def _decided(group: Group, approve: bool, removals: int) -> str:
    if approve:
        return (
            f"Approved: the sync of {group.name} now applies the "
            f"{count(removals, 'removal')} it was holding."
        )
    return (
        f"Rejected: the {count(removals, 'member')} the plan would have removed stay in "
        f"{group.name} on both sides."
    )


def _status(group: Group, problem: str | None = None, run_live: bool = False) -> str:
    return htmx.render_fragment(STATUS, group=group, sync_problem=problem, run_live=run_live)


def _actions(group: Group) -> str:
    return htmx.render_fragment(ACTIONS, group=group, sync=group_sync_info(group))
