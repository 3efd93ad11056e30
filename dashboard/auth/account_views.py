"""The Account page: who is signed in, where, and "Sign out everywhere else"."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import account_sessions
from . import bp


@bp.get("/account")
def account():
    lifetime = account_sessions.Lifetime.from_config(current_app.config)
    sessions = account_sessions.active_sessions(current_user, lifetime)
    return render_template(
        "auth/account.html",
        sessions=sessions,
        current_id=current_user.current_session.id,
        lifetime=lifetime,
    )


@bp.post("/account/sign-out-others")
def sign_out_others():
    ended = account_sessions.end_others(current_user)
    flash(f"Signed out everywhere else ({ended} other session{'s' if ended != 1 else ''}).",
          "success")  # fmt: skip
    return redirect(url_for("auth.account"))
