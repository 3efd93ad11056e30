"""The Groups table: search, sort, paginate, and create a group."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request, url_for

from .. import htmx
from ..editing import save
from ..listing import ListArgs, list_args
from ..models import Group
from . import bp, service
from .forms import GroupForm
from .queries import GROUP_SORTS, group_page

NAME_TAKEN = "A group with that name was just created; choose another name."


@bp.get("/")
def index():
    args = list_args(request.args, "groups.index", GROUP_SORTS)
    form = GroupForm(formdata=None)
    return htmx.render_page("groups/index.html", "results", **list_context(args), form=form)


def list_context(args: ListArgs) -> dict[str, Any]:
    return {"args": args, "page": group_page(args)}


@bp.post("/")
def create():
    form = GroupForm()
    group = save(form, lambda: create_from(form), field="name", conflict=NAME_TAKEN)
    if group is None:
        return created_form_refused(form)
    flash(f"Created the group “{group.name}”.", "success")
    fresh = htmx.render_fragment("groups/_new.html", form=GroupForm(formdata=None))
    row = htmx.render_fragment("groups/_row.html", group=group, new=True)
    body = fresh + htmx.partial("#groups-table > thead", row, swap="afterend")
    return htmx.fragment_or_redirect(body, url_for("groups.detail", group_id=group.id))


def create_from(form: GroupForm) -> Group:
    return service.create_group(form.name.data, form.description.data or "")


def created_form_refused(form: GroupForm):
    if htmx.is_partial():
        return htmx.render_fragment("groups/_new.html", form=form), 422
    args = list_args({}, "groups.index", GROUP_SORTS)
    return render_template("groups/index.html", **list_context(args), form=form), 422
