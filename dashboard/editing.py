"""Saving a form through the business rules: validate, change, commit — or roll back and say why.

Services raise FormError (or a subclass) naming the field the refusal concerns; `save` shows it
inline on that field and leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_wtf import FlaskForm

from .extensions import db

T = TypeVar("T")


class FormError(ValueError):
    """A change the rules refuse; the message is for the admin, `field` the form field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def save(form: FlaskForm, change: Callable[[], T]) -> T | None:
    """Validate `form`, make `change` and commit; None when the form or the rules refuse."""
    if not form.validate_on_submit():
        return None
    try:
        result = change()
        db.session.commit()
    except FormError as error:
        db.session.rollback()
        form[error.field].errors.append(str(error))
        return None
    return result
