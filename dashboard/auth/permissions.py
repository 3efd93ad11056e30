"""Who may do what: sign-in for everything but a few public doors, and viewers only look.

The rules live here, once, for the whole app, so that no new route can forget them.
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, redirect, request, url_for
from flask_login import current_user

from .. import account_sessions, htmx
from ..extensions import login_manager
from ..fragment_cache import note_signed_in_version
from ..models import Account

PUBLIC_ENDPOINTS = {"static", "auth.login", "health.healthz", "webhooks.thinkific"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ANY_SIGNED_IN_MAY_POST = {"auth.logout", "auth.sign_out_others", "auth.change_password"}


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    app.before_request(require_access)


@login_manager.unauthorized_handler
def send_to_sign_in() -> Response:
    """Go to the sign-in page, coming back here after (a full navigation for htmx too)."""
    target = request.full_path if request.method == "GET" and not htmx.is_partial() else None
    url = url_for("auth.login", next=target.rstrip("?") if target else None)
    if htmx.is_htmx():
        return Response("", status=401, headers={"HX-Redirect": url})
    return redirect(url)


@login_manager.user_loader
def load_account(token: str) -> Account | None:
    """The account whose live server-side session the cookie's token names (None: sign in)."""
    lifetime = account_sessions.Lifetime.from_config(current_app.config)
    account = account_sessions.resume(token, lifetime)
    if account is not None:
        note_signed_in_version(account.groups_version)
    return account


def require_access():
    """Send anonymous visitors to sign in; refuse changes by viewers with 403."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if request.method not in SAFE_METHODS and not may_change(request.endpoint):
        abort(403)
    return None


def may_change(endpoint: str) -> bool:
    return current_user.is_admin or endpoint in ANY_SIGNED_IN_MAY_POST


def require_admin() -> None:
    """Pages that only serve a change (an edit form) are refused to viewers, like the change."""
    if not current_user.is_admin:
        abort(403)
