"""Quick Assign Team: an inline form in a row of the Groups table."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import flash, render_template, request, url_for
from flask_login import current_user

from .. import htmx
from ..auth.permissions import require_admin
from ..editing import save
from ..extensions import db
from ..listing import parse_search
from ..models import Assignment, Direction, Group
from . import bp, service
from .forms import DIRECTIONS, QuickAssignForm
from .link_confirm import LinkChange, assign_impact, direction_label, is_confirmed
from .queries import team_choices


def assign_form(group: Group, **kwargs: Any) -> QuickAssignForm:
    """The assign form of one group; its prefix keeps several open forms apart on a page."""
    return QuickAssignForm(prefix=form_prefix(group), **kwargs)


def form_prefix(group: Group) -> str:
    return f"g{group.id}"


def blank_assign_form(group: Group) -> QuickAssignForm:
    """A new form, Bidirectional chosen (a submitted form must say its direction)."""
    return assign_form(group, formdata=None, direction=Direction.BIDIRECTIONAL.value)


def assign_from_form(group: Group, form: QuickAssignForm) -> Assignment | None:
    """Assign the chosen team, or leave the errors on the form and change nothing."""
    conflict = f"{form.team.data} was just assigned to this group by someone else."
    return save(form, lambda: assign_chosen_team(group, form), field="team", conflict=conflict)


def assign_chosen_team(group: Group, form: QuickAssignForm) -> Assignment:
    direction = Direction(form.direction.data)
    return service.assign_team(group, form.chosen_team, direction, by=current_user)


def assign_confirmation(group: Group, form: QuickAssignForm, url: str) -> LinkChange | None:
    """The confirm step of this assignment when the next sync would remove anyone, else None
    (also when the form has errors: saving it shows them)."""
    if is_confirmed() or not form.validate_on_submit():
        return None
    direction = Direction(form.direction.data)
    impact = assign_impact(group, form.chosen_team, direction)
    if not impact.removes:
        return None
    question = f"Assign {form.chosen_team.name} to {group.name} ({direction_label(direction)})?"
    fields = {form.team.name: form.team.data, form.direction.name: form.direction.data}
    return LinkChange(question, impact, url, fields)


def assigned_message(assignment: Assignment) -> str:
    label = DIRECTIONS[assignment.direction][0]
    return f"Assigned {assignment.team.name} to {assignment.group.name} ({label})."


@bp.get("/<id:group_id>/row")
def row(group_id: int):
    group = db.get_or_404(Group, group_id)
    row = htmx.render_fragment("groups/_row.html", group=group)
    return htmx.fragment_or_redirect(row, url_for("groups.index"))


@bp.get("/<id:group_id>/assign")
def quick_assign(group_id: int):
    require_admin()
    group = db.get_or_404(Group, group_id)
    return _assign_form_response(group, blank_assign_form(group))


@bp.post("/<id:group_id>/assign")
def assign(group_id: int):
    group = db.get_or_404(Group, group_id)
    form = assign_form(group)
    change = assign_confirmation(group, form, url_for("groups.assign", group_id=group.id))
    if change is not None:
        change = replace(
            change,
            cancel_url=url_for("groups.index"),
            cancel_get=url_for("groups.row", group_id=group.id),
        )
        return _assign_form_response(group, form, change=change)
    assignment = assign_from_form(group, form)
    if assignment is None:
        return _assign_form_response(group, form, 422)
    flash(assigned_message(assignment), "success")
    row = htmx.render_fragment("groups/_row.html", group=group)
    return htmx.fragment_or_redirect(row, url_for("groups.index"))


@bp.get("/<id:group_id>/team-options")
def team_options(group_id: int):
    """The teams to offer in the Team list as the admin types (a few, never all 2,000)."""
    group = db.get_or_404(Group, group_id)
    text = parse_search(request.args.get(f"{form_prefix(group)}-team"))
    names = team_choices(group.id, text)
    return htmx.render_fragment("groups/_team_options.html", team_names=names)


def _assign_form_response(
    group: Group, form: QuickAssignForm, status: int = 200, change: LinkChange | None = None
):
    context = {"group": group, "assign_form": form, "team_names": team_choices(group.id)}
    context["change"] = change
    if htmx.is_partial():
        return htmx.render_fragment("groups/_row.html", **context), status
    return render_template("groups/assign.html", **context), status
