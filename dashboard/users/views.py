"""Users: the list (search, sort, pages, create, edit a row) and a user's page.

A row of the list and the details on a user's page are edited in place (see `PARTS`).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for

from .. import htmx
from ..access.status import access_report
from ..editing import Part, save
from ..extensions import db
from ..listing import list_args
from ..models import User
from . import bp, queries
from .forms import UserForm
from .service import create_user, update_user


@bp.get("/")
def index():
    args = list_args(request.args, "users.index", queries.USER_SORTS)
    return htmx.render_page("users/index.html", "results", **list_context(args), form=new_form())


def list_context(args) -> dict[str, Any]:
    page = queries.user_page(args)
    return {"args": args, "page": page, "counts": queries.groups_counts([u.id for u in page.items])}


def new_form(**kwargs) -> UserForm:
    """The form that creates a user; its prefix keeps its ids apart from the rows' forms."""
    return UserForm(prefix="new", **kwargs)


@bp.post("/")
def create():
    form = new_form()
    user = save(form, lambda: create_user(**user_fields(form)))
    if user is None:
        return created_form_refused(form)
    flash(f"User {user.email} created.", "success")
    if not htmx.is_htmx():
        return redirect(url_for("users.detail", user_id=user.id), 303)
    return htmx.render_fragment("users/_created.html", user=user, form=new_form(formdata=None))


def created_form_refused(form: UserForm):
    if htmx.is_htmx():
        return htmx.render_fragment("users/_new.html", form=form), 422
    args = list_args({}, "users.index", queries.USER_SORTS)
    return render_template("users/index.html", **list_context(args), form=form), 422


def user_fields(form: UserForm) -> dict[str, str]:
    return {key: form[key].data for key in ("email", "first_name", "last_name")}


@bp.get("/<int:user_id>")
def detail(user_id: int):
    user = db.get_or_404(User, user_id)
    links = queries.user_teams(user)
    return render_template(
        "users/detail.html",
        user=user,
        memberships=queries.user_memberships(user),
        links=links,
        courses=queries.courses_given(links),
        access=access_report([user.id]),
    )


# --- parts edited in place ---------------------------------------------------------------------


PARTS = {
    "row": Part(
        UserForm,
        lambda user, form: update_user(user, **user_fields(form)),
        lambda user: {"counts": queries.groups_counts([user.id])},
        "User {obj.email} saved.",
    ),
    "details": Part(
        UserForm,
        lambda user, form: update_user(user, **user_fields(form)),
        lambda user: {},
        "User {obj.email} saved.",
    ),
}


def load(user_id: int, part: str) -> tuple[User, Part]:
    if part not in PARTS:
        abort(404)
    return db.get_or_404(User, user_id), PARTS[part]


@bp.get("/<int:user_id>/<part>")
def part(user_id: int, part: str):
    user, spec = load(user_id, part)
    if not htmx.is_htmx():
        return redirect(url_for("users.detail", user_id=user.id))
    return render_part(part, user, spec)


@bp.get("/<int:user_id>/<part>/edit")
def edit(user_id: int, part: str):
    user, spec = load(user_id, part)
    return render_form(part, user, spec, spec.form(obj=user, prefix=f"{part}-{user.id}"))


@bp.post("/<int:user_id>/<part>")
def update(user_id: int, part: str):
    user, spec = load(user_id, part)
    form = spec.form(prefix=f"{part}-{user.id}")
    if save(form, lambda: spec.apply(user, form)) is None:
        return render_form(part, user, spec, form), 422
    flash(spec.saved.format(obj=user), "success")
    if not htmx.is_htmx():
        return redirect(url_for("users.detail", user_id=user.id), 303)
    return render_part(part, user, spec)


def render_part(part: str, user: User, spec: Part) -> str:
    return htmx.render_fragment(f"users/_{part}.html", user=user, **spec.context(user))


def render_form(part: str, user: User, spec: Part, form: UserForm) -> str:
    context = {"user": user, "form": form, "part": part, **spec.context(user)}
    if htmx.is_htmx():
        return htmx.render_fragment(f"users/_{part}_form.html", **context)
    return render_template("users/edit.html", **context)
