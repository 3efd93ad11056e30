"""The whole htmx vocabulary of the app: request checks, fragment rendering, HX-* headers.

Views call these helpers and never spell an `HX-` header themselves. Flashed messages ride along
on every htmx response as an `<hx-partial>` that appends them to the page's flash area.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, flash, get_flashed_messages, render_template, request
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

FLASH_TEMPLATE = "macros/_flashes.html"
ROOT_ID = re.compile(r'\s*<[a-z][\w-]*\b[^>]*?\sid="([^"]+)"')  # a block's root element, and its id


def is_htmx() -> bool:
    """Whether the current request was made by htmx (boosted navigations included)."""
    return request.headers.get("HX-Request") == "true"


def is_partial() -> bool:
    """Whether htmx asked for a fragment rather than a whole page."""
    return is_htmx() and request.headers.get("HX-Request-Type") != "full"


def render_page(template: str, block: str, **context: Any) -> str:
    """Render `block` alone for a partial htmx request, else the whole page."""
    if is_partial():
        return render_block(template, block, **context)
    return render_template(template, **context)


def render_fragment(template: str, block: str | None = None, **context: Any) -> str:
    """Render one block of a page, or a whole partial template when `block` is None."""
    if block is None:
        return render_template(template, **context)
    return render_block(template, block, **context)


def fragment_response(body: str, status: int = 200, **headers: str) -> Response:
    return Response(body, status=status, headers=headers, mimetype="text/html")


def nothing_changed() -> Response:
    """204: htmx keeps the page as it is (a poll that found nothing new)."""
    return Response(status=204)


def partial(body: str) -> str:
    """An extra region of a response (`<hx-partial>`), to append to the rendered fragment: the
    block replaces the element whose id its own root element carries, so the block owns its
    swap target and no view spells a selector."""
    found = ROOT_ID.match(body)
    if found is None:
        raise ValueError("a partial's root element carries the id of the element it replaces")
    return partial_at(f"#{found[1]}", body, "outerHTML")


def partial_at(target: str, body: str, swap: str) -> str:
    """An extra region of a response put at `target` by `swap` (a new row into its list)."""
    tag = Markup('<hx-partial hx-target="{}" hx-swap="{}">{}</hx-partial>')
    return str(tag.format(target, swap, Markup(body)))


def fragment_or_redirect(fragment: str, fallback_url: str, status: int = 200) -> Response:
    """`fragment` for a partial htmx request; otherwise go to `fallback_url` (a plain page)."""
    if is_partial():
        return fragment_response(fragment, status)
    return redirect(fallback_url)


def refuse(message: str, fallback_url: str, status: int = 409) -> Response:
    """Say why an action was refused and change nothing on the page (or go to `fallback_url`)."""
    flash(message, "error")
    if is_htmx():
        return no_swap(fragment_response("", status))
    return redirect(fallback_url)


def no_swap(response: Response) -> Response:
    """Keep the page as it is (headers and partials still apply)."""
    response.headers["HX-Reswap"] = "none"
    return response


def redirect(url: str) -> Response:
    """Navigate: a client-side redirect for htmx, a 303 otherwise."""
    if is_htmx():
        return Response("", status=204, headers={"HX-Location": url})
    return Response("", status=303, headers={"Location": url})


def init_app(app: Flask) -> None:
    app.after_request(_attach_flashes)
    app.register_error_handler(HTTPException, _http_error)


NAVIGATING_HEADERS = ("HX-Location", "HX-Redirect", "HX-Refresh")


def _attach_flashes(response: Response) -> Response:
    if not is_htmx() or response.mimetype != "text/html" or response.direct_passthrough:
        return response
    if any(header in response.headers for header in NAVIGATING_HEADERS):
        return response  # htmx swaps nothing here: the messages wait for the next page
    messages = get_flashed_messages(with_categories=True)
    if messages:
        response.set_data(
            response.get_data()
            + render_template(FLASH_TEMPLATE, messages=messages, partial=True).encode()
        )
    return response


def _http_error(error: HTTPException) -> Response:
    """Errors answer htmx with a flash and no swap, and browsers with a small page."""
    if error.code is None or error.code < 400:
        return error.get_response()
    if is_htmx():
        body = render_template(FLASH_TEMPLATE, messages=[("error", _message(error))], partial=True)
        return no_swap(fragment_response(body, error.code))
    page = render_template("errors.html", error=error, message=_message(error))
    return fragment_response(page, error.code)


def _message(error: HTTPException) -> str:
    if error.code == 403:
        return "You do not have permission to do that: viewers can look but not change."
    if error.code == 404:
        return "That page or record does not exist (it may have been deleted)."
    return error.description or error.name
