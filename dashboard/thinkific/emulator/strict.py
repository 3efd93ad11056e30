"""Strict mode: check every Thinkific request and response against the (corrected) spec."""

from __future__ import annotations

from flask import Response, request

from .runtime import Emulator


def check_request(e: Emulator) -> None:
    """Raise a 400 naming the violation when the request breaks the spec (strict mode only)."""


def check_response(e: Emulator, response: Response) -> None:
    """Record a violation when the response breaks the spec (strict mode only)."""


def record_unknown_route(e: Emulator) -> None:
    """A request to a path or method the emulator does not serve is a client bug worth seeing."""
    if e.settings["STRICT"]:
        e.record_violation(
            {"kind": "route", "method": request.method, "path": request.path, "message": "no route"}
        )
