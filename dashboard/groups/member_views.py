"""A group's members on its detail page: add one by email, remove one."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user

from .. import htmx
from ..editing import save
from ..extensions import db
from ..models import Group, MemberSource, User
from . import bp, service
from .detail_views import PAGE, detail_context, detail_url, group_or_404, member_args
from .detail_views import render_detail_block as block
from .forms import MemberForm

JUST_ADDED = "That person was just added by someone else."


@bp.post("/<id:group_id>/members")
def add_member(group_id: int):
    group = group_or_404(group_id)
    blocker = service.member_editing_blocker(group)
    if blocker:
        return htmx.refuse(blocker, detail_url(group))
    form = MemberForm()
    user = save(form, lambda: add_from(group, form), field="email", conflict=JUST_ADDED)
    if user is None:
        return add_refused(group, form)
    flash(f"Added {user.email} to {group.name}.", "success")
    args = member_args(group, {"q": request.form.get("q", "")})
    context = detail_context(group, args, focus_member=True)
    members = htmx.partial(block("member_list", context))
    return htmx.fragment_or_redirect(block("member_add", context) + members, detail_url(group))


def add_from(group: Group, form: MemberForm) -> User:
    names = (form.first_name.data or "", form.last_name.data or "")
    user = service.find_or_create_user(form.email.data, *names)
    service.add_member(group, user, MemberSource.DASHBOARD, by=current_user)
    return user


def add_refused(group: Group, form: MemberForm):
    context = detail_context(group, member_form=form, focus_member=True)
    if htmx.is_partial():
        return block("member_add", context), 422
    return render_template(PAGE, **context), 422


@bp.post("/<id:group_id>/members/<id:user_id>/remove")
def remove_member(group_id: int, user_id: int):
    group = group_or_404(group_id)
    user = db.get_or_404(User, user_id)
    args = member_args(group, request.args)
    blocker = service.member_editing_blocker(group)
    if blocker:
        return htmx.refuse(blocker, args.url())
    try:
        service.remove_member(group, user, MemberSource.DASHBOARD)
        db.session.commit()
        flash(f"Removed {user.email} from {group.name}.", "success")
    except service.GroupError as error:  # removed meanwhile: show the list as it is
        db.session.rollback()
        flash(str(error), "warning")
    fragment = block("member_list", detail_context(group, args))
    return htmx.fragment_or_redirect(fragment, args.url())
