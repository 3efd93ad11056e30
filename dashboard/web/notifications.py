"""Notification screens: an admin's choices (on the Account page), the channels (in Settings)
and, when `make run`'s mail catcher runs, the Outbox of the mail it caught."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.validators import ValidationError

from .. import htmx
from ..auth.account_views import render_account
from ..auth.forms import ChangePasswordForm
from ..extensions import db
from ..notifications import channels, preferences
from ..notifications.forms import ChannelsForm, PreferencesForm
from ..notifications.outbox import caught_messages
from ..settings.views import PAGE
from ..settings.views import settings_context as page_context

bp = Blueprint("notifications", __name__)


def blueprint() -> Blueprint:
    """The Outbox, saving an admin's choices and the channel settings."""
    return bp


@bp.post("/account/notifications")
def save_preferences():
    """Admins only (viewers are refused any POST): which kinds, by which channel."""
    form = PreferencesForm()
    try:
        if not form.validate_on_submit():
            raise ValidationError("The form expired; reload the page and try again.")
        by_email = form.chosen(request.form, "email")
        by_chat = form.chosen(request.form, "chat")
    except ValidationError as error:
        db.session.rollback()
        return render_account(ChangePasswordForm(formdata=None), 422, str(error))
    preferences.save(current_user, by_email, by_chat)
    channels.note_address(request.url_root)
    db.session.commit()
    flash("Notification choices saved.", "success")
    return redirect(url_for("auth.account", _anchor="notifications"))


@bp.post("/admin/settings/notifications")
def save_channels():
    form = ChannelsForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return render_template(PAGE, **page_context(notifications_form=form)), 422
    channels.save(
        form.webhook_url.data,
        form.manual_action_days.data,
        current_user._get_current_object(),
        request.url_root,
    )
    db.session.commit()
    flash("Notification settings saved.", "success")
    return redirect(url_for("settings.index", _anchor="settings-notifications"))


@bp.get("/admin/outbox")
def outbox():
    """The mail `make run`'s local catcher received (only when MAIL_OUTBOX is set)."""
    directory = current_app.config.get("MAIL_OUTBOX")
    if not directory:
        abort(404)
    return htmx.render_page(
        "notifications/outbox.html",
        "messages",
        messages=caught_messages(directory),
        directory=directory,
    )
