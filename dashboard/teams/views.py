"""Teams: the list (search, sort, pages, create, edit a row) and a team's page.

A team's page is made of parts edited in place — its details and its configuration — and so is
each row of the list; `PARTS` says which form and rule each part uses.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, request, url_for

from .. import htmx
from ..access import seats
from ..access.service import waiting_count
from ..access.standing import team_seats
from ..activity.recent import recent_for_page
from ..auth.permissions import require_admin
from ..database import reads_only
from ..editing import NewRecords, Part, Parts, save
from ..extensions import db
from ..fragment_cache import note_version
from ..groups.forms import TeamGroupForm
from ..listing import ListArgs, list_args
from ..models import Course, Direction, Team
from . import bp, queries
from .forms import ConfigurationForm, DetailsForm, TeamForm
from .queries import TEAM_SORTS, TEAM_USER_SORTS
from .service import configure_team, create_team, edit_team, rename_team


@bp.get("/")
@reads_only
def index():
    args = list_args(request.args, "teams.index", TEAM_SORTS)
    return htmx.render_page("teams/index.html", "results", **index_context(args), form=new_form())


def index_context(args: ListArgs) -> dict[str, Any]:
    """The list, and the access endings waiting for approval (a banner above it)."""
    return list_context(args) | {"access_waiting": waiting_count()}


def list_context(args: ListArgs) -> dict[str, Any]:
    page = queries.team_page(args)
    return {"args": args, "page": page, "counts": queries.users_counts(page.items)}


def new_form(**kwargs) -> TeamForm:
    """The form that creates a team; its prefix keeps its ids apart from the rows' forms."""
    return TeamForm(prefix="new", **kwargs)


NEW = NewRecords(
    "team",
    new_form="teams/_new.html",
    row="teams/_row.html",
    list_page="teams/index.html",
    record_page=lambda team: url_for("teams.detail", team_id=team.id),
    rows="#teams-rows",
)


@bp.post("/")
def create():
    form = new_form()
    team = save(form, lambda: create_team(**team_fields(form)))
    if team is None:
        return NEW.refused(form, lambda: index_context(list_args({}, "teams.index", TEAM_SORTS)))
    flash(f"Created the team “{team.name}”.", "success")
    return NEW.created(team, new_form(formdata=None), counts={team.id: 0})


@bp.get("/<id:team_id>")
@reads_only
def detail(team_id: int):
    args = list_args(request.args, "teams.detail", TEAM_USER_SORTS, team_id=team_id)
    loaded = queries.load_team(team_id, args)
    if loaded is None:
        abort(404)
    team, whole = loaded.team, not htmx.is_partial()
    context = users_context(loaded, args, whole)
    if whole:
        note_version(loaded.data_version)
        context |= page_context(team, loaded.courses_known, context["left_out"])
    return htmx.render_page("teams/detail.html", "users", team=team, **context)


def users_context(loaded: queries.LoadedTeam, args: ListArgs, whole=False) -> dict[str, Any]:
    """A page of the team's users with each one's seat and access; for the `whole` page, the
    users left without a seat too (read with them)."""
    team = loaded.team
    page, via = queries.team_user_page(loaded, args)
    shown = team_seats(team, queries.team_terms(team), [user.id for user in page.items], whole)
    context = {"args": args, "page": page, "via": via, "standing": shown.standing}
    return context | ({"left_out": shown.left_out} if whole else {})


def blank_group_form() -> TeamGroupForm:
    return TeamGroupForm(formdata=None, direction=Direction.BIDIRECTIONAL.value)


def groups_context(team: Team, form: TeamGroupForm | None = None) -> dict[str, Any]:
    links, names = queries.team_groups(team.id)
    return {"assignments": links, "group_form": form or blank_group_form(), "group_names": names}


def page_context(
    team: Team, courses_known: bool | None = None, left_out: list | None = None
) -> dict[str, Any]:
    return (
        groups_context(team)
        | configuration_context(team, courses_known, left_out)
        | {"activity": recent_for_page("team", team.id)}
    )


# --- parts edited in place ---------------------------------------------------------------------


def configuration_context(
    team: Team, courses_known: bool | None = None, left_out: list | None = None
) -> dict[str, Any]:
    """Seats follow the rule of `dashboard.access.seats`: the first to join hold them (the
    users left out read along with the page's users, `team_seats`, or here)."""
    if courses_known is None:
        courses_known = db.session.scalar(db.select(Course.id).limit(1)) is not None
    users = queries.seats_used(team)
    return {
        "users_count": users,
        "seats_used": seats.seated_count(users, team),
        "left_out": seats.left_out(team, users) if left_out is None else left_out,
        "seat_rule": seats.SEAT_RULE,
        "courses_known": courses_known,
    }


def course_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(db.select(Course.id, Course.name).order_by(Course.name))
    return [(course_id, name) for course_id, name in rows]


def offer_courses(form: ConfigurationForm, team: Team, editing: bool) -> None:
    form.courses.choices = course_choices()
    if editing:
        form.courses.data = [course.id for course in team.courses]


def team_fields(form: TeamForm) -> dict[str, Any]:
    keys = ("name", "description", "seat_limit", "access_ends_on")
    return {key: form[key].data for key in keys}


def apply_row(team: Team, form: TeamForm) -> Team:
    return edit_team(team, **team_fields(form))


def apply_configuration(team: Team, form: ConfigurationForm) -> Team:
    courses, limit, ends = form.courses.data, form.seat_limit.data, form.access_ends_on.data
    return configure_team(team, courses, limit, ends)


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


PARTS = Parts(
    "team",
    Team,
    edit_page="teams/edit.html",
    record_page=lambda team: url_for("teams.detail", team_id=team.id),
    parts={
        "row": Part(
            "teams/_row.html",
            "teams/_row_form.html",
            TeamForm,
            apply_row,
            "Saved the team “{obj.name}”.",
            context=lambda team: {"counts": queries.users_counts([team])},
        ),
        "details": Part(
            "teams/_details.html",
            "teams/_details_form.html",
            DetailsForm,
            lambda team, form: rename_team(team, form.name.data, form.description.data),
            "Saved the team “{obj.name}”.",
        ),
        "configuration": Part(
            "teams/_configuration.html",
            "teams/_configuration_form.html",
            ConfigurationForm,
            apply_configuration,
            "Saved the configuration of “{obj.name}”.",
            context=configuration_context,
            prepare=offer_courses,
        ),
    },
    after_save=warn_if_over_limit,
)


@bp.get("/<id:team_id>/<part>")
def part(team_id: int, part: str):
    return PARTS.show(team_id, part)


@bp.get("/<id:team_id>/<part>/edit")
def edit(team_id: int, part: str):
    require_admin()
    return PARTS.edit(team_id, part)


@bp.post("/<id:team_id>/<part>")
def update(team_id: int, part: str):
    return PARTS.update(team_id, part)
