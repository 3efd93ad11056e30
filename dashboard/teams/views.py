"""Teams: the list (search, sort, pages, create, edit a row) and a team's page.

A team's page is made of parts edited in place — its details and its configuration — and so is
each row of the list; `PARTS` says which form and rule each part uses.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from .. import htmx
from ..access import seats
from ..access.service import waiting_count
from ..access.status import access_report
from ..editing import Part, save
from ..extensions import db
from ..listing import list_args
from ..models import Course, Team
from . import bp, queries
from .forms import ConfigurationForm, DetailsForm, TeamForm
from .service import configure_team, create_team, rename_team


@bp.get("/")
def index():
    args = list_args(request.args, "teams.index", queries.TEAM_SORTS)
    return htmx.render_page(
        "teams/index.html", "results", **list_context(args), form=new_form(),
        access_waiting=waiting_count(),
    )  # fmt: skip


def list_context(args) -> dict[str, Any]:
    page = queries.team_page(args)
    return {"args": args, "page": page, "counts": queries.users_counts([t.id for t in page.items])}


def new_form(**kwargs) -> TeamForm:
    """The form that creates a team; its prefix keeps its ids apart from the rows' forms."""
    return TeamForm(prefix="new", **kwargs)


@bp.post("/")
def create():
    form = new_form()
    team = save(form, lambda: create_team(**team_fields(form)))
    if team is None:
        return created_form_refused(form)
    flash(f"Team “{team.name}” created.", "success")
    if not htmx.is_htmx():
        return redirect(url_for("teams.detail", team_id=team.id), 303)
    return htmx.render_fragment("teams/_created.html", team=team, form=new_form(formdata=None))


def created_form_refused(form: TeamForm):
    if htmx.is_htmx():
        return htmx.render_fragment("teams/_new.html", form=form), 422
    args = list_args({}, "teams.index", queries.TEAM_SORTS)
    return render_template("teams/index.html", **list_context(args), form=form, open=True), 422


@bp.get("/<int:team_id>")
def detail(team_id: int):
    team = db.get_or_404(Team, team_id)
    args = list_args(request.args, "teams.detail", queries.TEAM_USER_SORTS, team_id=team_id)
    context = users_context(team, args)
    if not htmx.is_partial():
        context |= page_context(team)
    return htmx.render_page("teams/detail.html", "users", team=team, **context)


def users_context(team: Team, args) -> dict[str, Any]:
    page = queries.team_user_page(team, args)
    ids = [user.id for user in page.items]
    report = access_report(ids)
    standing = {user_id: report.team_seat(team, user_id) for user_id in ids}
    return {"args": args, "page": page, "via": queries.groups_by_user(team, ids),
            "standing": standing}  # fmt: skip


def page_context(team: Team) -> dict[str, Any]:
    return {"assignments": queries.team_assignments(team), **configuration_context(team)}


# --- parts edited in place ---------------------------------------------------------------------


def configuration_context(team: Team) -> dict[str, Any]:
    """Seats follow the rule of `dashboard.access.seats`: the first to join hold them."""
    courses_known = db.session.scalar(db.select(Course.id).limit(1)) is not None
    users = queries.seats_used(team)
    return {
        "users_count": users,
        "seats_used": seats.seated_count(users, team),
        "left_out": seats.left_out(team, users),
        "seat_rule": seats.SEAT_RULE,
        "courses_known": courses_known,
    }


def course_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(db.select(Course.id, Course.name).order_by(Course.name))
    return [(course_id, name) for course_id, name in rows]


def team_fields(form: TeamForm) -> dict[str, Any]:
    keys = ("name", "description", "seat_limit", "access_ends_on")
    return {key: form[key].data for key in keys}


def apply_row(team: Team, form: TeamForm) -> Team:
    rename_team(team, form.name.data, form.description.data)
    team.seat_limit, team.access_ends_on = form.seat_limit.data, form.access_ends_on.data
    return team


PARTS = {
    "row": Part(
        TeamForm,
        apply_row,
        lambda team: {"counts": queries.users_counts([team.id])},
        "Team “{obj.name}” saved.",
    ),
    "details": Part(
        DetailsForm,
        lambda team, form: rename_team(team, form.name.data, form.description.data),
        lambda team: {},
        "Team “{obj.name}” saved.",
    ),
    "configuration": Part(
        ConfigurationForm,
        lambda team, form: configure_team(
            team, form.courses.data, form.seat_limit.data, form.access_ends_on.data
        ),
        configuration_context,
        "Configuration of “{obj.name}” saved.",
    ),
}


def load(team_id: int, part: str) -> tuple[Team, Part]:
    if part not in PARTS:
        abort(404)
    return db.get_or_404(Team, team_id), PARTS[part]


def make_form(spec: Part, team: Team, part: str) -> FlaskForm:
    """The part's form, filled from the team when shown, from the request when sent."""
    editing = request.method == "GET"
    form = spec.form(obj=team if editing else None, prefix=f"{part}-{team.id}")
    if isinstance(form, ConfigurationForm):
        form.courses.choices = course_choices()
        if editing:
            form.courses.data = [course.id for course in team.courses]
    return form


@bp.get("/<int:team_id>/<part>")
def part(team_id: int, part: str):
    team, spec = load(team_id, part)
    if not htmx.is_htmx():
        return redirect(url_for("teams.detail", team_id=team.id))
    return render_part(part, team, spec)


@bp.get("/<int:team_id>/<part>/edit")
def edit(team_id: int, part: str):
    team, spec = load(team_id, part)
    return render_form(part, team, spec, make_form(spec, team, part))


@bp.post("/<int:team_id>/<part>")
def update(team_id: int, part: str):
    team, spec = load(team_id, part)
    form = make_form(spec, team, part)
    if save(form, lambda: spec.apply(team, form)) is None:
        return render_form(part, team, spec, form), 422
    flash(spec.saved.format(obj=team), "success")
    warn_if_over_limit(team)
    if not htmx.is_htmx():
        return redirect(url_for("teams.detail", team_id=team.id), 303)
    return render_part(part, team, spec)


def warn_if_over_limit(team: Team) -> None:
    if team.seat_limit is None:
        return
    users = queries.seats_used(team)
    if users > team.seat_limit:
        flash(
            f"{team.name} has {users:,} users for {team.seat_limit:,} seats: the "
            f"{users - team.seat_limit:,} who joined last get no access from it.",
            "warning",
        )


def render_part(part: str, team: Team, spec: Part) -> str:
    return htmx.render_fragment(f"teams/_{part}.html", team=team, **spec.context(team))


def render_form(part: str, team: Team, spec: Part, form: FlaskForm) -> str:
    context = {"team": team, "form": form, "part": part, **spec.context(team)}
    if htmx.is_htmx():
        return htmx.render_fragment(f"teams/_{part}_form.html", **context)
    return render_template("teams/edit.html", **context)
