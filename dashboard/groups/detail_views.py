"""The group detail page: what the group is, its links, its sync status and its members."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, render_template, request, url_for

from .. import htmx
from ..activity.recent import recent_for_page
from ..auth.permissions import require_admin
from ..database import reads_only
from ..editing import save
from ..extensions import db
from ..fragment_cache import note_version
from ..listing import ListArgs, list_args
from ..models import Group, versions
from . import bp, service
from .assign_views import blank_assign_form
from .forms import DirectionForm, GroupForm, MemberForm
from .group_sync_info import group_sync_info, has_open_removals
from .queries import load_group, load_group_with, matching_members, member_page, team_choices
from .views import NAME_TAKEN

PAGE = "groups/detail.html"
ON_NAME = {"field": "name", "conflict": NAME_TAKEN}


def group_or_404(group_id: int) -> Group:
    group = load_group(group_id)
    if group is None:
        abort(404)
    return group


def member_args(group: Group, query=None) -> ListArgs:
    """The member list's search and page, read from `query` (none: the first page)."""
    return list_args(query or {}, "groups.detail", group_id=group.id)


def detail_context(group: Group, args: ListArgs | None = None, **extra: Any) -> dict:
    """Everything detail.html renders; `extra` overrides (a form with errors, say; the members,
    the teams to offer and the sync section, read only when not given)."""
    args = args or member_args(group)
    partial = htmx.is_partial()
    context = {
        "group": group,
        "args": args,
        "page": given_or(extra, "page", lambda: member_page(group, args)),
        "editing_blocker": service.member_editing_blocker(group),
        "deletion_blocker": service.deletion_blocker(group),
        "can_rename": service.can_rename(group),
        "rename_refusal": service.RENAME_REFUSAL,
        "mode_in_words": service.describe_mode(group),
        "assign_form": blank_assign_form(group),
        "team_names": given_or(extra, "team_names", lambda: team_choices(group.id)),
        "direction_form": DirectionForm(formdata=None),
        "member_form": MemberForm(formdata=None),
        "edit_form": None,
        "focus_member": False,
        "activity": None if partial else recent_for_page("group", group.id),
        "sync": given_or(extra, "sync", lambda: None if partial else group_sync_info(group)),
        "link_change": None,  # a team link change waiting for Confirm (groups.link_confirm)
    }
    return context | extra


def given_or(extra: dict, key: str, read: Callable[[], Any]) -> Any:
    """`extra[key]` when the caller gave it, else what `read()` reads (not called then)."""
    return extra[key] if key in extra else read()


def render_detail_block(block: str, context: dict) -> str:
    return htmx.render_fragment(PAGE, block, **context)


def detail_url(group: Group, **params: Any) -> str:
    return url_for("groups.detail", group_id=group.id, **params)


@bp.get("/<id:group_id>")
@reads_only
def detail(group_id: int):
    args = list_args(request.args, "groups.detail", group_id=group_id)
    group, read_along = page_group(group_id, args)
    context = detail_context(group, args, **read_along)
    return htmx.render_page(PAGE, "member_list", **context)


def page_group(group_id: int, args: ListArgs) -> tuple[Group, dict]:
    """The group, and what its page reads along with it in the same query: how many members
    the search finds; on a whole page, whether it has open manual actions (none: its sync
    section reads none) and the groups' data version (the banner of plans waiting is kept by
    it: no statement of its own). An htmx request is for the member list: it offers no team."""
    whole = not htmx.is_partial()
    columns = [matching_members(group_id, args)]
    if whole:
        columns += [has_open_removals(), versions.version_column()]
    row = load_group_with(group_id, *columns)
    if row is None:
        abort(404)
    group, matching, *more = row
    read_along = {"page": member_page(group, args, matching)}
    if not whole:
        return group, read_along | {"team_names": []}
    removals_open, version = more
    note_version(version)
    return group, read_along | {"sync": group_sync_info(group, removals_open=bool(removals_open))}


@bp.get("/<id:group_id>/summary")
def summary(group_id: int):
    group = group_or_404(group_id)
    fragment = render_detail_block("summary", detail_context(group))
    return htmx.fragment_or_redirect(fragment, detail_url(group))


@bp.route("/<id:group_id>/edit", methods=["GET", "POST"])
def edit(group_id: int):
    require_admin()
    group = group_or_404(group_id)
    form = GroupForm() if request.method == "POST" else GroupForm(obj=group)
    if request.method == "POST" and save(form, lambda: rename(group, form), **ON_NAME):
        flash(f"Saved the group “{group.name}”.", "success")
        fragment = render_detail_block("summary", detail_context(group))
        return htmx.fragment_or_redirect(fragment, detail_url(group))
    context = detail_context(group, edit_form=form)
    status = 422 if form.errors else 200
    if htmx.is_partial():
        return render_detail_block("summary", context), status
    return render_template(PAGE, **context), status


def rename(group: Group, form: GroupForm) -> Group:
    return service.rename_group(group, form.name.data, form.description.data or "")


@bp.post("/<id:group_id>/delete")
def delete(group_id: int):
    group = group_or_404(group_id)
    name = group.name
    try:
        service.delete_group(group)
        db.session.commit()
    except service.GroupError as error:
        db.session.rollback()
        return htmx.refuse(str(error), detail_url(group))
    flash(f"Deleted the group “{name}”.", "success")
    return htmx.redirect(url_for("groups.index"))
