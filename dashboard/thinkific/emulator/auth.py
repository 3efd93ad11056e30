"""Who may call: an API key with its subdomain, or a Bearer access token (API-NOTES §1.2)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from .replies import ApiError

AUTHENTICATION_ERROR = {"error": "Authentication Error"}


def _same(given: str | None, expected: str | None) -> bool:
    return bool(given and expected) and hmac.compare_digest(given.encode(), expected.encode())


def bearer_token(headers: Mapping[str, str]) -> str | None:
    scheme, _, token = headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def has_valid_token(headers: Mapping[str, str], settings: Mapping[str, Any]) -> bool:
    token = bearer_token(headers)
    return any(_same(token, known) for known in settings["ACCESS_TOKENS"])


def has_valid_key(headers: Mapping[str, str], settings: Mapping[str, Any]) -> bool:
    return _same(headers.get("X-Auth-API-Key"), settings["API_KEY"]) and _same(
        headers.get("X-Auth-Subdomain"), settings["SUBDOMAIN"]
    )


def authenticate(
    headers: Mapping[str, str], settings: Mapping[str, Any], accept_key: bool = True
) -> None:
    """Raise a 401 unless the request carries valid credentials (and the plan has API access)."""
    valid = has_valid_token(headers, settings) or (accept_key and has_valid_key(headers, settings))
    if not valid:
        raise ApiError(401, AUTHENTICATION_ERROR)
