"""The Account page: where you are signed in, "Sign out everywhere else", a new password."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import account_sessions, activity
from ..extensions import db
from ..notifications.pages import account_context
from ..plurals import count
from . import bp
from .forms import ChangePasswordForm


def render_account(form: ChangePasswordForm, status: int = 200, notification_error=None):
    lifetime = account_sessions.Lifetime.from_config(current_app.config)
    sessions = account_sessions.active_sessions(current_user, lifetime)
    page = render_template(
        "auth/account.html",
        sessions=sessions,
        current_id=current_user.current_session.id,
        lifetime=lifetime,
        form=form,
        **account_context(notification_error),
    )
    return page, status


@bp.get("/account")
def account():
    return render_account(ChangePasswordForm())


@bp.post("/account/sign-out-others")
def sign_out_others():
    ended = account_sessions.end_others(current_user)
    account = current_user._get_current_object()
    activity.record(activity.Kind.SIGNED_OUT_ELSEWHERE, account, after={"sessions_ended": ended})
    db.session.commit()
    flash(f"Signed out everywhere else ({count(ended, 'other session')}).", "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/password")
def change_password():
    """A new password; every other session of the account ends (this one stays)."""
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_account(form, 422)
    if not current_user.check_password(form.current.data):
        form.current.errors.append("That is not your current password.")
        return render_account(form, 422)
    current_user.set_password(form.new.data)
    activity.record(activity.Kind.PASSWORD_CHANGED, current_user._get_current_object())
    db.session.commit()
    flash("Password changed. You are signed out everywhere else.", "success")
    return redirect(url_for("auth.account"))
