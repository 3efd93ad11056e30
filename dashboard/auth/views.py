from __future__ import annotations

import math
from functools import cache
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from redis.exceptions import RedisError
from werkzeug.security import check_password_hash, generate_password_hash

from .. import account_sessions, activity
from ..extensions import db
from ..models import Account
from . import bp
from .forms import LoginForm
from .throttle import targets, throttle, try_again_words

NO_MATCH = "That email and password do not match an active account."


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        who = targets(form.email.data, request.remote_addr or "")
        wait = throttle_wait(who)
        if wait:
            form.password.errors.append(try_again_words(wait))
            return render_template("auth/login.html", form=form), 429
        account = find_active_account(form.email.data, form.password.data)
        if account:
            sign_in(account)
            return redirect(safe_next(request.args.get("next")))
        activity.sign_in_failed(form.email.data)
        wait = throttle_failure(who)
        form.password.errors.append(try_again_words(wait) if wait else NO_MATCH)
        if wait:
            activity.locked_out(form.email.data, minutes=math.ceil(wait / 60))
            return render_template("auth/login.html", form=form), 429
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def throttle_wait(who) -> int:
    """Seconds before these may try again; with Redis down, sign-in is not throttled."""
    try:
        return throttle().wait_seconds(who)
    except RedisError as error:
        current_app.logger.error("sign-in throttle unavailable: %s", error)
        return 0


def throttle_failure(who) -> int:
    try:
        return throttle().record_failure(who)
    except RedisError as error:
        current_app.logger.error("sign-in throttle unavailable: %s", error)
        return 0


def sign_in(account: Account) -> None:
    """A new server-side session for `account`; the cookie carries its token only."""
    user_agent = request.headers.get("User-Agent", "")
    account_sessions.begin(account, user_agent, request.remote_addr or "")
    login_user(account)
    activity.record(activity.Kind.SIGN_IN, account)
    db.session.commit()


@bp.post("/logout")
def logout():
    activity.record(activity.Kind.SIGN_OUT, current_user._get_current_object())
    if current_user.current_session is not None:
        account_sessions.end(current_user.current_session)
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.get("/")
def index():
    return redirect(url_for("groups.index"))


@cache
def dummy_hash() -> str:
    """A hash to check when no account matches, so that both answers take as long."""
    return generate_password_hash("no account has this password", method="scrypt")


def find_active_account(email: str, password: str) -> Account | None:
    """The active account with this email and password; a password hash is checked whether or
    not the email names an account, so the time taken tells nothing."""
    account = db.session.scalar(db.select(Account).filter_by(email=email.strip().lower()))
    if account is None:
        check_password_hash(dummy_hash(), password)
        return None
    if account.check_password(password) and account.active:
        return account
    return None


def safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for("groups.index")
