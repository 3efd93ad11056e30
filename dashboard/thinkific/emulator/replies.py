"""Answers in Thinkific's forms: JSON bodies, empty 201/204s, and the error envelope."""

from __future__ import annotations

import json
from typing import Any

from flask import Response

NOT_FOUND = "Record not found."


class ApiError(Exception):
    """Stop the request and answer `status` with `body`: a JSON value, HTML text, or None."""

    def __init__(
        self,
        status: int,
        body: Any = None,
        deviation: str | None = None,
        headers: dict[str, str] | None = None,
        html: bool = False,
    ):
        super().__init__(status, body)
        self.status, self.body, self.deviation = status, body, deviation
        self.headers, self.html = headers or {}, html


def json_reply(body: Any, status: int = 200) -> Response:
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return Response(payload, status=status, mimetype="application/json")


def empty(status: int) -> Response:
    """201/204 with no body (the spec's `content: {}`)."""
    return Response(b"", status=status)


def not_found(message: Any = NOT_FOUND) -> ApiError:
    return ApiError(404, {"error": message})


def invalid(errors: Any) -> ApiError:
    return ApiError(422, {"errors": errors})


def reply_for(error: ApiError) -> Response:
    if error.body is None:
        response = empty(error.status)
    elif error.html:
        response = Response(error.body, status=error.status, mimetype="text/html")
    else:
        response = json_reply(error.body, error.status)
    response.headers.update(error.headers)
    return response
