"""Creating and updating the accounts that sign in to the dashboard."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from .extensions import db
from .models import Account, Role

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    pass


def normalize_email(email: str) -> str:
    """Validate an email address and return it lower-cased, or raise AccountError."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(f"{email!r} is not a valid email address: {error}") from None
    return result.normalized.lower()


def upsert_account(email: str, password: str, role: Role) -> tuple[Account, bool]:
    """Create the account for `email`, or set its password and role; returns (account, created)."""
    email = normalize_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    account = db.session.scalar(db.select(Account).filter_by(email=email))
    created = account is None
    if created:
        account = Account(email=email)
        db.session.add(account)
    account.role = role
    account.active = True
    if created or not account.check_password(password):
        account.set_password(password)  # a new password ends the account's sessions
    return account, created
