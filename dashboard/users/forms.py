from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired

from ..editing import check
from .service import clean_email, clean_name


class UserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Give the user's email address.")])
    first_name = StringField("First name")
    last_name = StringField("Last name")

    def validate_email(self, field) -> None:
        check(clean_email, field.data)

    def validate_first_name(self, field) -> None:
        check(clean_name, field.data, "first_name")

    def validate_last_name(self, field) -> None:
        check(clean_name, field.data, "last_name")
