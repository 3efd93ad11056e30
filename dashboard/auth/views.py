from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from .. import activity
from ..extensions import db
from ..models import Account
from . import bp
from .forms import LoginForm


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        account = find_active_account(form.email.data, form.password.data)
        if account:
            login_user(account)
            activity.record(activity.Kind.SIGN_IN, account)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
        activity.sign_in_failed(form.email.data)
        form.password.errors.append("That email and password do not match an active account.")
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
def logout():
    activity.record(activity.Kind.SIGN_OUT, current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index():
    return redirect(url_for("groups.index"))


def find_active_account(email: str, password: str) -> Account | None:
    account = db.session.scalar(db.select(Account).filter_by(email=email.strip().lower()))
    if account and account.active and account.check_password(password):
        return account
    return None


def safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("groups.index")
