"""The Groups table: search, sort, paginate, and create a group."""

from __future__ import annotations

from typing import Any

from flask import flash, request, url_for

from .. import htmx
from ..editing import NewRecords, save
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


NEW = NewRecords(
    "group",
    new_form="groups/_new.html",
    row="groups/_row.html",
    list_page="groups/index.html",
    record_page=lambda group: url_for("groups.detail", group_id=group.id),
    rows="#groups-table > thead",
    swap="afterend",
)


@bp.post("/")
def create():
    form = GroupForm()
    group = save(form, lambda: create_from(form), field="name", conflict=NAME_TAKEN)
    if group is None:
        return NEW.refused(form, lambda: list_context(list_args({}, "groups.index", GROUP_SORTS)))
    flash(f"Created the group “{group.name}”.", "success")
    return NEW.created(group, GroupForm(formdata=None))


def create_from(form: GroupForm) -> Group:
    return service.create_group(form.name.data, form.description.data or "")
