"""A team's groups on its page: assign a group (with its sync direction) from the team's side."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_login import current_user

from .. import htmx
from ..editing import save
from ..extensions import db
from ..groups import service
from ..groups.assign_views import assigned_message
from ..groups.forms import TeamGroupForm
from ..groups.queries import group_choices
from ..listing import list_args, parse_search
from ..models import Direction, Team
from . import bp, queries
from .queries import TEAM_USER_SORTS
from .views import groups_context, page_context, users_context

SECTION = "teams/_groups.html"


@bp.post("/<id:team_id>/groups")
def assign_group(team_id: int):
    team = db.get_or_404(Team, team_id)
    form = TeamGroupForm()
    conflict = f"{form.group.data} was just assigned to this team by someone else."
    assignment = save(form, lambda: _assign(team, form), field="group", conflict=conflict)
    if assignment is None:
        return _refused(team, form)
    flash(assigned_message(assignment), "success")
    if not htmx.is_partial():
        return htmx.redirect(url_for("teams.detail", team_id=team.id))
    section = htmx.render_fragment(SECTION, team=team, just_assigned=True, **groups_context(team))
    return htmx.fragment_response(section)


@bp.get("/<id:team_id>/group-options")
def group_options(team_id: int):
    """The groups to offer as the admin types (a few, never all 10,000)."""
    team = db.get_or_404(Team, team_id)
    names = group_choices(team.id, parse_search(request.args.get("group")))
    return htmx.render_fragment("groups/_team_options.html", team_names=names)


def _assign(team: Team, form: TeamGroupForm):
    direction = Direction(form.direction.data)
    return service.assign_team(form.chosen_group, team, direction, by=current_user)


def _refused(team: Team, form: TeamGroupForm):
    if htmx.is_partial():
        return htmx.render_fragment(SECTION, team=team, **groups_context(team, form)), 422
    args = list_args({}, "teams.detail", TEAM_USER_SORTS, team_id=team.id)
    loaded = queries.load_team(team.id, args)
    context = users_context(loaded, args) | page_context(team) | groups_context(team, form)
    return render_template("teams/detail.html", team=team, **context), 422
