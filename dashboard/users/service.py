"""Business rules for users (learners): a valid, unique, lower-cased email, and their names.

Functions raise UserError with a message for the admin, flush, add their record to the activity
trail, and leave committing to callers.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import activity
from ..accounts import AccountError, normalize_email
from ..editing import FormError
from ..extensions import db
from ..models import User

EMAIL_MAX = 254
NAME_MAX = 100


class UserError(FormError):
    """A change to a user that the rules refuse."""

    def __init__(self, message: str, field: str = "email"):
        super().__init__(message, field)


def clean_email(email: str | None) -> str:
    email = (email or "").strip()
    if not email:
        raise UserError("Give the user's email address.")
    if len(email) > EMAIL_MAX:
        raise UserError(f"An email address can have at most {EMAIL_MAX} characters.")
    try:
        email = normalize_email(email)
    except AccountError as error:
        raise UserError(str(error)) from None
    return email


def clean_name(name: str | None, field: str) -> str:
    """Collapse whitespace; a first or last name may be empty, not overlong or unprintable."""
    name = " ".join((name or "").split())
    if len(name) > NAME_MAX:
        raise UserError(f"A name can have at most {NAME_MAX} characters.", field)
    if not name.isprintable():
        raise UserError("A name cannot contain control characters.", field)
    return name


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).filter_by(email=email))


def create_user(email: str, first_name: str = "", last_name: str = "") -> User:
    user = User()
    _set_fields(user, email, first_name, last_name)
    db.session.add(user)
    _flush(user)
    activity.record(activity.Kind.USER_CREATED, user, after=snapshot(user))
    return user


def update_user(user: User, email: str, first_name: str, last_name: str) -> User:
    before = snapshot(user)
    _set_fields(user, email, first_name, last_name)
    _flush(user)
    activity.record(activity.Kind.USER_EDITED, user, before=before, after=snapshot(user))
    return user


def snapshot(user: User) -> dict[str, str]:
    return {"email": user.email, "first_name": user.first_name, "last_name": user.last_name}


def _set_fields(user: User, email: str, first_name: str, last_name: str) -> None:
    email = clean_email(email)
    if user.thinkific_id is not None and email != user.email:
        raise UserError(
            f"This user is linked to Thinkific (user {user.thinkific_id}): change the email in "
            "Thinkific, and the next sync brings it here."
        )
    other = find_user_by_email(email)
    if other is not None and other is not user:
        raise UserError(f"A user with the email {email} already exists.")
    user.email = email
    user.first_name = clean_name(first_name, "first_name")
    user.last_name = clean_name(last_name, "last_name")


def _flush(user: User) -> None:
    """Write now, so that an email taken meanwhile by someone else is refused here."""
    try:
        db.session.flush()
    except IntegrityError:
        raise UserError(f"A user with the email {user.email} was just created.") from None
