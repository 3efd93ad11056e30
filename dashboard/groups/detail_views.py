"""The group detail page: what the group is, its links, its sync status and its members."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from .. import htmx
from ..extensions import db
from ..models import Group
from . import bp, service
from .assign_views import blank_assign_form
from .forms import DirectionForm, GroupForm, MemberForm
from .queries import MemberQuery, load_group, member_page, parse_member_query, team_choices
from .responses import done, refuse, require_admin

PAGE = "groups/detail.html"


def group_or_404(group_id: int) -> Group:
    group = load_group(group_id)
    if group is None:
        abort(404)
    return group


def detail_context(group: Group, member_query: MemberQuery | None = None, **extra: Any) -> dict:
    """Everything detail.html renders; `extra` overrides (a form with errors, say)."""
    member_query, members = member_page(group, member_query or MemberQuery())
    context = {
        "group": group,
        "member_query": member_query,
        "members": members,
        "editing_blocker": service.member_editing_blocker(group),
        "deletion_blocker": service.deletion_blocker(group),
        "can_rename": service.can_rename(group),
        "rename_refusal": service.RENAME_REFUSAL,
        "mode_in_words": service.describe_mode(group),
        "assign_form": blank_assign_form(group),
        "team_names": team_choices(group.id),
        "direction_form": DirectionForm(formdata=None),
        "member_form": MemberForm(formdata=None),
        "edit_form": None,
        "focus_member": False,
    }
    return context | extra


def render_detail_block(block: str, context: dict) -> str:
    return htmx.render_fragment(PAGE, block, **context)


@bp.get("/<id:group_id>")
def detail(group_id: int):
    group = group_or_404(group_id)
    context = detail_context(group, parse_member_query(request.args))
    if htmx.is_partial():
        return render_detail_block("member_list", context)
    return render_template(PAGE, **context)


@bp.get("/<id:group_id>/summary")
def summary(group_id: int):
    group = group_or_404(group_id)
    fragment = render_detail_block("summary", detail_context(group))
    return done(fragment, url_for("groups.detail", group_id=group.id))


@bp.route("/<id:group_id>/edit", methods=["GET", "POST"])
def edit(group_id: int):
    require_admin()
    group = group_or_404(group_id)
    form = GroupForm() if request.method == "POST" else GroupForm(obj=group)
    if request.method == "POST" and _save(group, form):
        flash(f"Saved the group “{group.name}”.", "success")
        fragment = render_detail_block("summary", detail_context(group))
        return done(fragment, url_for("groups.detail", group_id=group.id))
    context = detail_context(group, edit_form=form)
    status = 422 if form.errors else 200
    if htmx.is_partial():
        return render_detail_block("summary", context), status
    return render_template(PAGE, **context), status


def _save(group: Group, form: GroupForm) -> bool:
    if not form.validate_on_submit():
        return False
    try:
        service.rename_group(group, form.name.data, form.description.data or "")
        db.session.commit()
    except service.GroupError as error:
        db.session.rollback()
        form.name.errors.append(str(error))
    except IntegrityError:
        db.session.rollback()
        form.name.errors.append("A group with that name was just created; choose another name.")
    else:
        return True
    return False


@bp.post("/<id:group_id>/delete")
def delete(group_id: int):
    group = group_or_404(group_id)
    name = group.name
    try:
        service.delete_group(group)
        db.session.commit()
    except service.GroupError as error:
        db.session.rollback()
        return refuse(str(error), url_for("groups.detail", group_id=group_id))
    flash(f"Deleted the group “{name}”.", "success")
    return htmx.redirect(url_for("groups.index"))
