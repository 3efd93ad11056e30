"""The Groups table: search, sort, paginate, and create a group."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .. import htmx
from ..editing import NewRecords, save
from ..fragment_cache import cached, note_version
from ..listing import ListArgs, list_args
from ..models import Group
from . import bp, service
from .forms import GroupForm
from .queries import GROUP_SORTS, group_count, group_page
from .sync_bar import now_stamp

NAME_TAKEN = "A group with that name was just created; choose another name."


@bp.get("/")
def index():
    args = list_args(request.args, "groups.index", GROUP_SORTS)
    if htmx.is_partial():
        return results(args)
    new_form = blank_new_form() if current_user.is_admin else None
    return render_template("groups/index.html", **page_context(args), new_form=new_form)


def results(args: ListArgs) -> Markup:
    """The table, its summary and page links: drawn once per data version and list arguments
    (and admin or viewer), then kept (dashboard/fragment_cache.py). The version is read with
    the count, after anything this request changed; no version read (no row): drawn afresh."""
    admin = bool(current_user.is_admin)
    total, version = group_count(args)
    note_version(version)
    key = None if version is None else (version, *args.key, admin, request.script_root)
    return cached("groups.results", key, lambda: draw_results(args, total, admin))


def draw_results(args: ListArgs, total: int, admin: bool) -> str:
    return draw("groups/_results.html", args=args, page=group_page(args, total), admin=admin)


def draw(template: str, **context: Any) -> str:
    """A piece of the page through Jinja directly: the context processors' query (the banner
    of plans waiting) is the page's, not the piece's."""
    return current_app.jinja_env.get_template(template).render(**context)


def page_context(args: ListArgs) -> dict[str, Any]:
    """The whole page's: the list, and where its Sync bar loads from once shown."""
    sync_progress_url = url_for("groups.sync_progress", since=now_stamp(), load=1)
    return {"args": args, "results": results(args), "sync_progress_url": sync_progress_url}


_BLANK_NEW_FORMS: dict[str, str] = {}  # by script root
CSRF_SLOT = "\x00csrf-token\x00"


def blank_new_form() -> Markup:
    """The New group form, blank: drawn once per process, since all that differs from one
    request to the next is its CSRF token (filled in here)."""
    token = generate_csrf()
    html = _BLANK_NEW_FORMS.get(request.script_root)
    if html is None:
        drawn = draw("groups/_new.html", form=GroupForm(formdata=None))
        html = _BLANK_NEW_FORMS[request.script_root] = drawn.replace(token, CSRF_SLOT)
    return Markup(html.replace(CSRF_SLOT, token))


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
        return NEW.refused(form, lambda: page_context(list_args({}, "groups.index", GROUP_SORTS)))
    flash(f"Created the group “{group.name}”.", "success")
    return NEW.created(group, GroupForm(formdata=None))


def create_from(form: GroupForm) -> Group:
    return service.create_group(form.name.data, form.description.data or "")
