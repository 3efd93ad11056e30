"""A group's team links on its detail page: assign a team, change a direction, unassign."""

from __future__ import annotations

from dataclasses import replace

from flask import abort, flash, render_template, request, url_for

from .. import htmx
from ..extensions import db
from ..models import Assignment, Direction, Group
from . import bp, service
from .assign_views import assign_confirmation, assign_form, assign_from_form, assigned_message
from .detail_views import (
    PAGE,
    detail_context,
    detail_url,
    group_or_404,
    member_args,
    render_detail_block,
)
from .forms import DIRECTIONS, DirectionForm
from .link_confirm import (
    LinkChange,
    direction_impact,
    direction_label,
    is_confirmed,
    unassign_impact,
)


@bp.post("/<id:group_id>/teams")
def link_team(group_id: int):
    group = group_or_404(group_id)
    was_blocked = service.member_editing_blocker(group)
    form = assign_form(group)
    change = assign_confirmation(group, form, url_for("groups.link_team", group_id=group.id))
    if change is not None:
        return _confirm(group, change, assign_form=form)
    assignment = assign_from_form(group, form)
    if assignment is None:
        return _form_failed(group, form)
    flash(assigned_message(assignment), "success")
    return _links_changed(group, was_blocked)


@bp.post("/<id:group_id>/teams/<id:team_id>/direction")
def change_direction(group_id: int, team_id: int):
    group, assignment = _link_or_404(group_id, team_id)
    was_blocked = service.member_editing_blocker(group)
    form = DirectionForm()
    if not form.validate_on_submit():
        message = " ".join(form.direction.errors) or "Choose a sync direction."
        return htmx.refuse(message, detail_url(group), status=422)
    direction = Direction(form.direction.data)
    if not is_confirmed() and direction != assignment.direction:
        impact = direction_impact(assignment, direction)
        if impact.removes:
            question = f"Change {assignment.team.name} to {direction_label(direction)}?"
            url = url_for("groups.change_direction", group_id=group_id, team_id=team_id)
            return _confirm(
                group, LinkChange(question, impact, url, {"direction": direction.value})
            )
    service.change_direction(assignment, direction)
    db.session.commit()
    label = DIRECTIONS[assignment.direction][0]
    flash(f"{assignment.team.name} now syncs {label}.", "success")
    return _links_changed(group, was_blocked)


@bp.post("/<id:group_id>/teams/<id:team_id>/unassign")
def unassign(group_id: int, team_id: int):
    group, assignment = _link_or_404(group_id, team_id)
    was_blocked = service.member_editing_blocker(group)
    team_name = assignment.team.name
    impact = None if is_confirmed() else unassign_impact(assignment)
    if impact is not None and impact.removes:
        question = f"Unassign {team_name} from {group.name}?"
        url = url_for("groups.unassign", group_id=group_id, team_id=team_id)
        return _confirm(group, LinkChange(question, impact, url))
    service.unassign(assignment)
    db.session.commit()
    flash(f"Unassigned {team_name} from {group.name}.", "success")
    return _links_changed(group, was_blocked)


def _link_or_404(group_id: int, team_id: int) -> tuple[Group, Assignment]:
    group = group_or_404(group_id)
    assignment = next((a for a in group.assignments if a.team_id == team_id), None)
    if assignment is None:
        abort(404)
    return group, assignment


def _links_changed(group: Group, was_blocked: str | None):
    """The links section, the sync status, and the members when their editing rule flipped."""
    if not htmx.is_partial():
        return htmx.redirect(detail_url(group))
    context = detail_context(group, member_args(group, request.form))
    body = render_detail_block("teams", context)
    status = htmx.render_fragment("groups/_group_sync_status.html", group=group)
    body += htmx.partial(status)
    if (was_blocked is None) != (context["editing_blocker"] is None):
        body += htmx.partial(render_detail_block("members", context))
    return htmx.fragment_response(body)


def _confirm(group: Group, change: LinkChange, **extra):
    """The links section (or the page) with the confirm step of `change` in it."""
    change = replace(change, cancel_url=detail_url(group))
    context = detail_context(group, link_change=change, **extra)
    if htmx.is_partial():
        return render_detail_block("teams", context)
    return render_template(PAGE, **context)


def _form_failed(group: Group, form):
    context = detail_context(group, assign_form=form)
    if htmx.is_partial():
        return render_detail_block("teams", context), 422
    return render_template(PAGE, **context), 422
