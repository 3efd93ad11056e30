from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..editing import check
from .service import clean_description, clean_name

SEAT_LIMIT_MAX = 1_000_000
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def plausible_date(form, field) -> None:
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"Choose a date between {EARLIEST} and {LATEST}.")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DetailsForm(FlaskForm):
    """A team's name and description."""

    name = StringField("Name", validators=[DataRequired("Give the team a name.")])
    description = TextAreaField("Description")

    def validate_name(self, field) -> None:
        check(clean_name, field.data)

    def validate_description(self, field) -> None:
        check(clean_description, field.data)


class LimitsForm(FlaskForm):
    seat_limit = IntegerField(
        "Seat limit",
        validators=[
            Optional(),
            NumberRange(1, SEAT_LIMIT_MAX, f"Give a whole number from 1 to {SEAT_LIMIT_MAX:,}."),
        ],
    )
    access_ends_on = DateField("Access ends on", validators=[Optional(), plausible_date])


class TeamForm(DetailsForm, LimitsForm):
    """Create a team, or edit it in the list."""


class ConfigurationForm(LimitsForm):
    """What membership in the team gives."""

    courses = CheckboxesField("Courses", coerce=int)
