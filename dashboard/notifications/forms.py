"""The two notification forms: an admin's choices (Account page) and the channels (Settings)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from .channels import MAX_DAYS, MIN_DAYS, InvalidWebhookUrl, check_webhook_url
from .kinds import Kind


class PreferencesForm(FlaskForm):
    """Checkboxes named `email` and `chat`, each ticked one carrying a kind."""

    def chosen(self, formdata, name: str) -> set[Kind]:
        values = formdata.getlist(name)
        unknown = [value for value in values if value not in set(Kind)]
        if unknown:
            raise ValidationError(f"Unknown kind of notification: {', '.join(unknown)}.")
        return {Kind(value) for value in values}


class ChannelsForm(FlaskForm):
    webhook_url = StringField("Chat webhook URL")
    manual_action_days = IntegerField(
        "Tell about manual actions open for more than (days)",
        validators=[
            InputRequired("Enter a number of days."),
            NumberRange(
                MIN_DAYS, MAX_DAYS, f"Enter a number of days from {MIN_DAYS} to {MAX_DAYS}."
            ),
        ],
    )

    def validate_webhook_url(self, field) -> None:
        try:
            field.data = check_webhook_url(field.data)
        except InvalidWebhookUrl as error:
            raise ValidationError(str(error)) from None
