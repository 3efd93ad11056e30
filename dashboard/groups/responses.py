"""Response shapes the group screens share: a fragment for htmx or a page/redirect otherwise."""

from __future__ import annotations

from flask import Response, abort, flash
from flask_login import current_user
from markupsafe import Markup

from .. import htmx


def done(fragment: str, fallback_url: str, status: int = 200) -> Response:
    """The fragment for an htmx request; without htmx, go to `fallback_url` (a plain page)."""
    if htmx.is_partial():
        return htmx.fragment_response(fragment, status)
    return htmx.redirect(fallback_url)


def refuse(message: str, fallback_url: str, status: int = 409) -> Response:
    """Say why an action was refused; change nothing on the page; stay where the user is."""
    flash(message, "error")
    if htmx.is_htmx():
        return htmx.no_swap(htmx.fragment_response("", status))
    return htmx.redirect(fallback_url)


def partial(target: str, body: str, swap: str = "outerHTML") -> str:
    """An extra region for an htmx response (`<hx-partial>`), to append to a rendered fragment."""
    tag = Markup('<hx-partial hx-target="{}" hx-swap="{}">{}</hx-partial>')
    return str(tag.format(target, swap, Markup(body)))


def require_admin() -> None:
    """Forms that only admins can submit are not shown to viewers either."""
    if not current_user.is_admin:
        abort(403)
