"""What the Account page's and the Settings page's Notifications sections show."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from . import channels, preferences
from .forms import ChannelsForm


def account_context(error: str | None = None) -> dict:
    """What the Account page's Notifications section shows."""
    return {
        "notification_choices": preferences.choices(current_user),
        "notification_error": error,
        "email_enabled": channels.email_enabled(),
        "chat_url_set": bool(channels.current().webhook_url),
    }


def settings_context(form: ChannelsForm | None = None) -> dict:
    """What the Settings page's Notifications section shows."""
    row = channels.current()
    config = current_app.config
    if form is None:
        form = ChannelsForm(
            formdata=None, webhook_url=row.webhook_url, manual_action_days=row.manual_action_days
        )
    return {
        "channels_form": form,
        "smtp": channels.smtp_description(config),
        "mail_from": config["MAIL_FROM"],
        "base_url": channels.base_url(),
        "base_url_set": bool(config.get("BASE_URL")),
        "last_email": channels.last_delivery("email"),
        "last_chat": channels.last_delivery("chat"),
        "webhook_set": bool(row.webhook_url),
    }
