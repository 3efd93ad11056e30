"""What can go wrong talking to Thinkific, as a few typed exceptions carrying the server's words.

`error_for_status` reads every error-body shape of API-NOTES §3: `error` as a string, a list
(of strings or of field maps) or a field map; `errors` as a map of field → list, a map of
field → string, or a list of strings.
"""

from __future__ import annotations

import re
from typing import Any

MAX_BODY_EXCERPT = 200
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
CLOUDFLARE_STATUSES = frozenset({*range(520, 528), 530})


class ThinkificError(Exception):
    """Base of every error the client raises."""

    attempts: int = 1
    maybe_applied: bool = False  # a non-idempotent request failed after it may have been acted on

    def __str__(self) -> str:
        message = super().__str__()
        return f"{message} (after {self.attempts} attempts)" if self.attempts > 1 else message


class Transient:
    """Marks an error that may pass if the request is sent again."""


class ConfigurationError(ThinkificError):
    """The client was built without what it needs (credentials, URL, GraphQL token)."""


class TransportError(ThinkificError, Transient):
    """No usable HTTP answer: connection refused or dropped, or a timeout."""

    def __init__(self, message: str, *, sent: bool = True) -> None:
        super().__init__(message)
        self.sent = sent  # False when the request certainly never reached the server


class MalformedResponse(ThinkificError, Transient):
    """The server answered, but not with what the API promises (bad JSON, wrong shape)."""


class ApiError(ThinkificError):
    """An HTTP error status, with the server's messages."""

    def __init__(
        self,
        status: int,
        summary: str,
        messages: list[str],
        field_errors: dict[str, list[str]],
    ) -> None:
        self.status = status
        self.messages = messages
        self.field_errors = field_errors
        detail = "; ".join(messages + [f"{k} {' / '.join(v)}" for k, v in field_errors.items()])
        super().__init__(f"{summary}: {detail}" if detail else summary)


class AuthenticationError(ApiError):
    """401: wrong key/token, or a plan without API access (Thinkific says the same for both)."""


class ForbiddenError(ApiError):
    """403: the plan does not include this feature, or the token lacks the scope."""


class NotFoundError(ApiError):
    """404: no such record."""


class ValidationError(ApiError):
    """422 (or 400): the request was refused; `field_errors` says which field and why."""


class RateLimitedError(ApiError, Transient):
    """429: over the site's request budget."""


class ServerError(ApiError, Transient):
    """5xx, or Cloudflare's 52x/530 in front of Thinkific."""


class RemovalNeedsManualAction(ThinkificError):
    """Thinkific's REST API cannot remove a member; an admin must do it in Thinkific."""


class GraphQLError(ThinkificError):
    """The GraphQL endpoint answered with errors (or `userErrors`) instead of data."""

    def __init__(self, message: str, codes: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.codes = codes


class GraphQLRateLimited(GraphQLError, Transient):
    """GraphQL's cost budget is spent (`RATE_LIMITED`)."""


def error_for_status(status: int, body: Any, text: str, where: str) -> ApiError:
    """The typed error for an HTTP error `status` answering `where` ("GET /groups")."""
    messages, field_errors = error_details(body)
    if not messages and not field_errors and text.strip():
        messages = [_excerpt(text)]
    cls, summary = _classify(status, where)
    return cls(status, summary, messages, field_errors)


def error_details(body: Any) -> tuple[list[str], dict[str, list[str]]]:
    """Messages and field errors from a JSON error body of any shape Thinkific uses."""
    messages: list[str] = []
    fields: dict[str, list[str]] = {}
    if isinstance(body, dict):
        for key in ("error", "errors", "message"):
            _collect(body.get(key), messages, fields)
    return messages, fields


def _collect(value: Any, messages: list[str], fields: dict[str, list[str]]) -> None:
    if isinstance(value, str):
        messages.append(value)
    elif isinstance(value, list):
        for item in value:
            _collect(item, messages, fields)
    elif isinstance(value, dict):
        for field, detail in value.items():
            found: list[str] = []
            _collect(detail, found, {})
            fields.setdefault(str(field), []).extend(found)
    elif value is not None:
        messages.append(str(value))


def _classify(status: int, where: str) -> tuple[type[ApiError], str]:
    if status == 401:
        return AuthenticationError, (
            f"Thinkific refused the credentials (401 on {where}): the API key and subdomain "
            "or the access token are wrong or expired, or the site's plan has no API access"
        )
    if status == 403:
        return ForbiddenError, (
            f"Thinkific refused {where} (403): the site's plan or the token's scope "
            "does not allow it"
        )
    simple = {
        404: (NotFoundError, "not found"),
        422: (ValidationError, "refused"),
        400: (ValidationError, "bad request"),
        429: (RateLimitedError, "rate limited"),
    }
    if status in simple:
        cls, what = simple[status]
        return cls, f"Thinkific {what} ({status} on {where})"
    if status in CLOUDFLARE_STATUSES:
        return ServerError, f"Cloudflare could not reach Thinkific ({status} on {where})"
    if status >= 500:
        return ServerError, f"Thinkific failed ({status} on {where})"
    return ApiError, f"Thinkific answered {status} on {where}"


def _excerpt(text: str) -> str:
    title = TITLE.search(text)  # an HTML error page (Cloudflare's): its title says it
    flat = " ".join((title.group(1) if title else text).split())
    return flat if len(flat) <= MAX_BODY_EXCERPT else flat[:MAX_BODY_EXCERPT] + "…"
