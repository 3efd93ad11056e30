"""A group's members on its detail page: add one by email, remove one."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import htmx
from ..extensions import db
from ..models import Group, MemberSource, User
from . import bp, service
from .detail_views import PAGE, detail_context, group_or_404, render_detail_block
from .forms import MemberForm
from .queries import MemberQuery, parse_member_query
from .responses import done, partial, refuse


@bp.post("/<id:group_id>/members")
def add_member(group_id: int):
    group = group_or_404(group_id)
    blocker = service.member_editing_blocker(group)
    if blocker:
        return refuse(blocker, _detail_url(group))
    form = MemberForm()
    user = _add_from_form(group, form)
    if user is None:
        return _add_failed(group, form)
    flash(f"Added {user.email} to {group.name}.", "success")
    query = MemberQuery(q=parse_member_query(request.form).q)
    context = detail_context(group, query, focus_member=True)
    body = render_detail_block("member_add", context)
    body += partial("#member-list", render_detail_block("member_list", context))
    return done(body, _detail_url(group))


@bp.post("/<id:group_id>/members/<id:user_id>/remove")
def remove_member(group_id: int, user_id: int):
    group = group_or_404(group_id)
    user = db.get_or_404(User, user_id)
    query = parse_member_query(request.args)
    blocker = service.member_editing_blocker(group)
    if blocker:
        return refuse(blocker, _detail_url(group, **query.args()))
    try:
        service.remove_member(group, user, MemberSource.DASHBOARD)
        db.session.commit()
        flash(f"Removed {user.email} from {group.name}.", "success")
    except service.GroupError as error:  # removed meanwhile: show the list as it is
        db.session.rollback()
        flash(str(error), "warning")
    fragment = render_detail_block("member_list", detail_context(group, query))
    return done(fragment, _detail_url(group, **query.args()))


def _add_from_form(group: Group, form: MemberForm) -> User | None:
    if not form.validate_on_submit():
        return None
    try:
        user = service.find_or_create_user(
            form.email.data, form.first_name.data or "", form.last_name.data or ""
        )
        service.add_member(group, user, MemberSource.DASHBOARD, by=current_user)
        db.session.commit()
    except service.GroupError as error:
        db.session.rollback()
        form.email.errors.append(str(error))
    except IntegrityError:
        db.session.rollback()
        form.email.errors.append("That person was just added by someone else.")
    else:
        return user
    return None


def _add_failed(group: Group, form: MemberForm):
    context = detail_context(group, member_form=form, focus_member=True)
    if htmx.is_partial():
        return render_detail_block("member_add", context), 422
    return render_template(PAGE, **context), 422


def _detail_url(group: Group, **args) -> str:
    return url_for("groups.detail", group_id=group.id, **args)
