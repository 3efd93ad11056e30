"""Saving a form through the business rules: validate, change, commit — or roll back and say why.

Services raise FormError (or a subclass) naming the field the refusal concerns; `save` shows it
inline on that field and leaves nothing half-written. A `Part` is a piece of a page (a list row,
a section of a detail page) that is shown, edited and saved in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

from .extensions import db

T = TypeVar("T")


class FormError(ValueError):
    """A change the rules refuse; the message is for the admin, `field` the form field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


def check(rule: Callable[..., object], *args: object) -> None:
    """Run a service rule as a form validator, so that every refusal shows at once."""
    try:
        rule(*args)
    except FormError as error:
        raise ValidationError(str(error)) from None


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


@dataclass(frozen=True)
class Part:
    form: type[FlaskForm]
    apply: Callable[[Any, Any], Any]  # (record, valid form) -> record, raising FormError
    context: Callable[[Any], dict[str, Any]]  # what the part's templates need besides the record
    saved: str  # the flash message, formatted with obj=the record
