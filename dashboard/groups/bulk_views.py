"""Several groups at once on the Groups page: assign one team to the ticked groups."""

from __future__ import annotations

from flask import flash, request, url_for
from flask_login import current_user

from .. import htmx
from ..editing import save
from ..extensions import db
from ..listing import parse_search
from ..models import Direction, Group
from . import bp, service
from .forms import DIRECTIONS, BulkAssignForm
from .queries import all_team_choices


@bp.post("/bulk-assign")
def bulk_assign():
    form = BulkAssignForm()
    outcome = save(form, lambda: _assign_ticked(form), field="team")
    if outcome is None:
        errors = [error for field in form for error in field.errors]
        return htmx.refuse(" ".join(errors), url_for("groups.index"), status=422)
    assigned, already = outcome
    flash(_said(form, assigned, already), "success")
    if not htmx.is_partial():
        return htmx.redirect(url_for("groups.index"))
    rows = htmx.render_fragment("groups/_row_updates.html", groups=assigned + already)
    return htmx.fragment_response(rows)


@bp.get("/bulk-assign/team-options")
def bulk_team_options():
    names = all_team_choices(parse_search(request.args.get("team")))
    return htmx.render_fragment("groups/_team_options.html", team_names=names)


def _assign_ticked(form: BulkAssignForm) -> tuple[list[Group], list[Group]]:
    """Assign the team to every ticked group that does not have it yet, in one transaction;
    the service keeps each group's counts and pending-sync flag right."""
    team, direction = form.chosen_team, Direction(form.direction.data)
    groups = [db.session.get(Group, group_id) for group_id in dict.fromkeys(form.group_ids.data)]
    assigned, already = [], []
    for group in (group for group in groups if group is not None):
        if service.find_assignment(group.id, team.id):
            already.append(group)
            continue
        service.assign_team(group, team, direction, by=current_user)
        assigned.append(group)
    return assigned, already


def _said(form: BulkAssignForm, assigned: list[Group], already: list[Group]) -> str:
    label = DIRECTIONS[Direction(form.direction.data)][0]
    team = form.chosen_team.name
    count = len(assigned)
    text = f"Assigned {team} to {count} group{'' if count == 1 else 's'} ({label})."
    if already:
        names = ", ".join(group.name for group in already[:5])
        more = f" and {len(already) - 5} more" if len(already) > 5 else ""
        text += f" Already assigned before, left as they were: {names}{more}."
    return text
