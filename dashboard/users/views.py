"""Users: the list (search, sort, pages, create, edit a row) and a user's page.

A row of the list and the details on a user's page are edited in place (see `PARTS`).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, render_template, request, url_for

from .. import htmx
from ..access.standing import user_report
from ..activity.recent import recent_for_page
from ..auth.permissions import require_admin
from ..database import reads_only
from ..editing import NewRecords, Part, Parts, save
from ..fragment_cache import note_version
from ..listing import ListArgs, list_args
from ..models import User
from . import bp, queries
from .forms import UserForm
from .queries import USER_SORTS
from .service import create_user, update_user


@bp.get("/")
@reads_only
def index():
    args = list_args(request.args, "users.index", USER_SORTS)
    return htmx.render_page("users/index.html", "results", **list_context(args), form=new_form())


def list_context(args: ListArgs) -> dict[str, Any]:
    page = queries.user_page(args)
    return {"args": args, "page": page, "counts": queries.groups_counts(page.items)}


def new_form(**kwargs) -> UserForm:
    """The form that creates a user; its prefix keeps its ids apart from the rows' forms."""
    return UserForm(prefix="new", **kwargs)


NEW = NewRecords(
    "user",
    new_form="users/_new.html",
    row="users/_row.html",
    list_page="users/index.html",
    record_page=lambda user: url_for("users.detail", user_id=user.id),
    rows="#users-rows",
)


@bp.post("/")
def create():
    form = new_form()
    user = save(form, lambda: create_user(**user_fields(form)))
    if user is None:
        return NEW.refused(form, lambda: list_context(list_args({}, "users.index", USER_SORTS)))
    flash(f"Created the user {user.email}.", "success")
    return NEW.created(user, new_form(formdata=None), counts={user.id: 0})


def user_fields(form: UserForm) -> dict[str, str]:
    return {key: form[key].data for key in ("email", "first_name", "last_name")}


@bp.get("/<id:user_id>")
@reads_only
def detail(user_id: int):
    page = queries.user_page_rows(user_id)
    if page is None:
        abort(404)
    user = page.user
    note_version(page.data_version)
    access = user_report(user.id).user_courses(user.id) if page.may_have_access else []
    return render_template(
        "users/detail.html",
        user=user,
        memberships=page.memberships,
        links=page.links,
        courses=page.courses,
        access_courses=access,
        activity=recent_for_page("user", user.id),
    )


# --- parts edited in place ---------------------------------------------------------------------


def apply_user(user: User, form: UserForm) -> User:
    return update_user(user, **user_fields(form))


PARTS = Parts(
    "user",
    User,
    edit_page="users/edit.html",
    record_page=lambda user: url_for("users.detail", user_id=user.id),
    parts={
        "row": Part(
            "users/_row.html",
            "users/_row_form.html",
            UserForm,
            apply_user,
            "Saved the user {obj.email}.",
            context=lambda user: {"counts": queries.groups_counts([user])},
        ),
        "details": Part(
            "users/_details.html",
            "users/_details_form.html",
            UserForm,
            apply_user,
            "Saved the user {obj.email}.",
        ),
    },
)


@bp.get("/<id:user_id>/<part>")
def part(user_id: int, part: str):
    return PARTS.show(user_id, part)


@bp.get("/<id:user_id>/<part>/edit")
def edit(user_id: int, part: str):
    require_admin()
    return PARTS.edit(user_id, part)


@bp.post("/<id:user_id>/<part>")
def update(user_id: int, part: str):
    return PARTS.update(user_id, part)
