"""The Groups table: search, sort, paginate, and create a group."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from .. import htmx
from ..extensions import db
from ..models import Group
from . import bp, service
from .forms import GroupForm
from .queries import SORTS, GroupQuery, group_page, parse_group_query
from .responses import done, partial


@bp.get("/")
def index():
    query, page = group_page(parse_group_query(request.args))
    context = {"query": query, "page": page, "sorts": SORTS}
    if htmx.is_partial():
        return htmx.render_fragment("groups/index.html", "results", **context)
    return render_template("groups/index.html", create_form=GroupForm(formdata=None), **context)


@bp.post("/")
def create():
    form = GroupForm()
    group = create_from_form(form)
    if group is None:
        return _create_failed(form)
    flash(f"Created the group “{group.name}”.", "success")
    fresh = htmx.render_fragment(
        "groups/index.html", "create_form", create_form=GroupForm(formdata=None)
    )
    row = htmx.render_fragment("groups/_row.html", group=group, new=True)
    body = fresh + partial("#groups-table > thead", row, swap="afterend")
    return done(body, url_for("groups.detail", group_id=group.id))


def create_from_form(form: GroupForm) -> Group | None:
    if not form.validate_on_submit():
        return None
    try:
        group = service.create_group(form.name.data, form.description.data or "")
        db.session.commit()
    except service.GroupError as error:
        db.session.rollback()
        form.name.errors.append(str(error))
    except IntegrityError:
        db.session.rollback()
        form.name.errors.append("A group with that name was just created; choose another name.")
    else:
        return group
    return None


def _create_failed(form: GroupForm):
    if htmx.is_partial():
        return htmx.render_fragment("groups/index.html", "create_form", create_form=form), 422
    query, page = group_page(GroupQuery())
    context = {"query": query, "page": page, "sorts": SORTS, "create_form": form}
    return render_template("groups/index.html", **context), 422
