"""Strict mode (config STRICT): every Thinkific request and response is checked against the
corrected spec (`spec.py`) with openapi-core, imported only when strict mode is on.

A request that breaks the spec is answered 400 with a message naming the violation; a response
that breaks it is sent as is. Both are recorded, readable at `GET /_emulator/violations`.
Answers that a switch or a fault makes deliberately off-spec are not checked.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from flask import Response, g, request

from ..replies import ApiError
from ..runtime import Emulator


@functools.cache
def validator() -> Any:
    from openapi_core import OpenAPI

    from .spec import corrected_spec

    return OpenAPI.from_dict(corrected_spec())


def _wrapped() -> Any:
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest

    return WerkzeugOpenAPIRequest(request)


def describe(error: BaseException) -> str:
    """What broke the spec, in one line: where, then the schema's own complaints."""
    causes = []
    cause = error.__cause__
    while cause is not None:
        causes.append(cause)
        cause = cause.__cause__
    schema = [m for c in causes for m in _schema_messages(getattr(c, "schema_errors", None) or [])]
    detail = "; ".join(schema) if schema else str(causes[-1] if causes else error)
    return f"{_where(error)}: {detail}"


def _where(error: BaseException) -> str:
    from openapi_core.validation.request.exceptions import (
        ParameterValidationError,
        RequestBodyValidationError,
    )
    from openapi_core.validation.response.exceptions import (
        DataValidationError,
        HeaderValidationError,
    )

    if isinstance(error, ParameterValidationError):
        return f"{error.location} parameter {error.name!r}"
    if isinstance(error, HeaderValidationError):
        return f"response header {getattr(error, 'name', '')!r}"
    if isinstance(error, RequestBodyValidationError):
        return "request body"
    if isinstance(error, DataValidationError):
        return "response body"
    return type(error).__name__


def _schema_messages(errors: Iterable[Any]) -> list[str]:
    messages = []
    for item in errors:
        where = "/".join(str(p) for p in getattr(item, "absolute_path", [])) or "(body)"
        messages.append(f"{where}: {getattr(item, 'message', item)}")
    return messages


def _is_unknown_route(error: BaseException) -> bool:
    from openapi_core.templating.paths.exceptions import PathError

    return isinstance(error, PathError)


def check_request(e: Emulator) -> None:
    """Raise a 400 naming the violation when the request breaks the spec (strict mode only)."""
    if not e.settings["STRICT"]:
        return
    errors = [x for x in validator().iter_request_errors(_wrapped()) if not _is_unknown_route(x)]
    if not errors:
        return
    message = "; ".join(describe(error) for error in errors)
    record(e, "request", message)
    raise ApiError(
        400,
        {"error": f"Request does not match Thinkific's API spec: {message}"},
        deviation="STRICT",
    )


def check_response(e: Emulator, response: Response) -> None:
    """Record a violation when the response breaks the spec (strict mode only)."""
    if not e.settings["STRICT"] or not request.path.startswith("/api/public/v1/"):
        return
    if request.url_rule is None:
        return  # an unknown route: recorded as such by record_unknown_route
    from openapi_core.contrib.werkzeug import WerkzeugOpenAPIResponse

    errors = list(validator().iter_response_errors(_wrapped(), WerkzeugOpenAPIResponse(response)))
    if errors:
        message = "; ".join(describe(error) for error in errors)
        record(e, "response", message, status=response.status_code)


def record(e: Emulator, kind: str, message: str, **extra: Any) -> None:
    e.record_violation(
        {
            "kind": kind,
            "method": request.method,
            "path": request.full_path.rstrip("?"),
            "message": message,
            **extra,
        }
    )


def record_unknown_route(e: Emulator) -> None:
    """A request to a path or method the emulator does not serve is a client bug worth seeing."""
    rest = request.path.startswith("/api/public/v1/")
    if rest and e.settings["STRICT"] and not g.get("deviation"):
        record(e, "route", f"no such route: {request.method} {request.path}")
