"""Validation of user writes, with Rails' messages (`{"errors": {field: [message]}}`)."""

from __future__ import annotations

import re
from typing import Any

from .state import Store, User

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLES = ("affiliate", "course_admin", "group_analyst", "site_admin")
PROVIDERS = ("SSO", "OPENID_CONNECT")
TEXT_FIELDS = ("company", "bio", "headline", "avatar_url", "external_source", "affiliate_code")
AFFILIATE_FIELDS = ("affiliate_commission", "affiliate_commission_type", "affiliate_payout_email")


def user_errors(data: dict[str, Any], store: Store, user: User | None) -> dict[str, list[str]]:
    """Errors of a create (`user` None: names and email required) or an update of `user`."""
    errors: dict[str, list[str]] = {}
    for name in ("first_name", "last_name"):
        if (user is None or name in data) and _blank(data.get(name)):
            errors[name] = ["can't be blank"]
    if user is None or "email" in data:
        _check_email(data.get("email"), store, user, errors)
    password = data.get("password")
    if password is not None and (not isinstance(password, str) or len(password) < 6):
        errors["password"] = ["is too short (minimum is 6 characters)"]
    roles = data.get("roles")
    if roles is not None and (not isinstance(roles, list) or not set(roles) <= set(ROLES)):
        errors["roles"] = ["is invalid"]
    return errors


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _check_email(email: Any, store: Store, user: User | None, errors: dict) -> None:
    if _blank(email):
        errors["email"] = ["can't be blank"]
    elif not EMAIL.match(email.strip()):
        errors["email"] = ["is invalid"]
    else:
        holder = store.user_by_email(email)
        if holder is not None and holder is not user:
            errors["email"] = ["has already been taken"]


def profile_fields(data: dict[str, Any]) -> dict[str, Any]:
    """The optional profile fields of a create or update body, as the store keeps them."""
    fields = {name: data[name] for name in (*TEXT_FIELDS, *AFFILIATE_FIELDS) if name in data}
    if "roles" in data:
        fields["roles"] = list(dict.fromkeys(data["roles"]))
    if "custom_profile_fields" in data:
        fields["custom_profile_fields"] = custom_fields(data["custom_profile_fields"])
    return fields


def custom_fields(entries: Any) -> list[dict[str, Any]]:
    result = []
    for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        if isinstance(entry, dict) and "custom_profile_field_definition_id" in entry:
            definition = entry["custom_profile_field_definition_id"]
            result.append(
                {
                    "id": number,
                    "value": str(entry.get("value") or ""),
                    "label": str(entry.get("label") or f"Field {definition}"),
                    "custom_profile_field_definition_id": definition,
                }
            )
    return result
