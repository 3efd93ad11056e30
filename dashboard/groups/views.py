"""The Groups table: search, sort, paginate, and create a group."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from .. import htmx
from ..database import reads_only
from ..editing import NewRecords, save
from ..fragment_cache import (
    cached_by_version,
    cached_page,
    kept_version,
    note_version,
    version_read_with_sign_in,
    with_csrf,
    without_csrf,
)
from ..listing import ListArgs, list_args
from ..models import Group
from . import bp, service
from .forms import GroupForm
from .queries import GROUP_SORTS, group_page, group_total, version_and_total
from .sync_bar import now_stamp

NAME_TAKEN = "A group with that name was just created; choose another name."


@bp.get("/")
@reads_only
def index():
    args = list_args(request.args, "groups.index", GROUP_SORTS)
    return results(args) if htmx.is_partial() else whole_page(args)


def whole_page(args: ListArgs) -> str:
    """The Groups page: drawn once per data version, list arguments and signed-in account, then
    kept, like its table (`results`). Its Sync bar asks for the rows changed since it was
    drawn: any change to what the table lists since then is a new version, so a new page."""
    admin = bool(current_user.is_admin)
    version, total = read_version(args, admin)
    who = (current_user.id, current_user.email, admin)
    key = None if version is None else (version, *args.key, *who, request.script_root)
    listed = lambda: kept_results(args, version, total, admin)  # noqa: E731
    return cached_page("groups.page", key, lambda: draw_page(args, listed(), admin))


def draw_page(args: ListArgs, results: Markup, admin: bool) -> str:
    new_form = blank_new_form() if admin else None
    return render_template("groups/index.html", **page_context(args, results), new_form=new_form)


def results(args: ListArgs) -> Markup:
    """The table, its summary and page links."""
    admin = bool(current_user.is_admin)
    version, total = read_version(args, admin)
    return kept_results(args, version, total, admin)


def read_version(args: ListArgs, admin: bool) -> tuple[int | None, int | None]:
    """The groups' data version, read after anything this request changed, and the count of
    what `args` finds when the rows kept are not of that version (None: not counted)."""
    known = kept_version("groups.results", rows_key(args, admin))
    seen = version_read_with_sign_in()
    if known is not None and seen == known:  # kept rows of the version just read: no statement
        version, total = seen, None
    else:
        version, total = version_and_total(args, known)
    note_version(version)
    return version, total


def rows_key(args: ListArgs, admin: bool) -> tuple:
    return (*args.key, admin, request.script_root)


def kept_results(args: ListArgs, version: int | None, total: int | None, admin: bool) -> Markup:
    """Drawn once per data version and list arguments (and admin or viewer), then kept
    (dashboard/fragment_cache.py): a kept table costs one statement, its version. No version
    read (no row): drawn afresh."""
    draw = lambda: draw_results(args, total, admin)  # noqa: E731
    return cached_by_version("groups.results", version, rows_key(args, admin), draw)


def draw_results(args: ListArgs, total: int | None, admin: bool) -> str:
    total = group_total(args) if total is None else total  # counted apart: no longer kept
    page = group_page(args, total)
    return draw("groups/_results.html", args=args, page=page, admin=admin)


def draw(template: str, **context: Any) -> str:
    """A piece of the page through Jinja directly: the context processors' query (the banner
    of plans waiting) is the page's, not the piece's."""
    return current_app.jinja_env.get_template(template).render(**context)


def page_context(args: ListArgs, results: Markup) -> dict[str, Any]:
    """The whole page's: the list, and where its Sync bar loads from once shown."""
    sync_progress_url = url_for("groups.sync_progress", since=now_stamp(), load=1)
    return {"args": args, "results": results, "sync_progress_url": sync_progress_url}


_BLANK_NEW_FORMS: dict[str, str] = {}  # by script root


def blank_new_form() -> Markup:
    """The New group form, blank: drawn once per process, since all that differs from one
    request to the next is its CSRF token (filled in here)."""
    html = _BLANK_NEW_FORMS.get(request.script_root)
    if html is None:
        drawn = draw("groups/_new.html", form=GroupForm(formdata=None))
        html = _BLANK_NEW_FORMS[request.script_root] = without_csrf(drawn)
    return Markup(with_csrf(html))


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
        return NEW.refused(form, refused_page_context)
    flash(f"Created the group “{group.name}”.", "success")
    return NEW.created(group, GroupForm(formdata=None))


def refused_page_context() -> dict[str, Any]:
    args = list_args({}, "groups.index", GROUP_SORTS)
    return page_context(args, results(args))


def create_from(form: GroupForm) -> Group:
    return service.create_group(form.name.data, form.description.data or "")
