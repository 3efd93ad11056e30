"""The control API under `/_emulator/`: not Thinkific's, ours. Tests, the demo and benchmarks
use it to reset and seed the site, act as an admin in Thinkific's own UI (including removing a
member, which the REST API cannot do), set switches and faults, read stats and violations, and
send signed webhooks. `EmulatorControl` (in `..client`) wraps it over HTTP."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from ..faults import FaultError
from ..replies import json_reply
from ..runtime import CONTROL_BASE
from ..settings import SettingError

bp = Blueprint("emulator_control", __name__, url_prefix=CONTROL_BASE)


class ControlError(ValueError):
    """A control request that cannot be carried out; answered 400 (or `status`) with the reason."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@bp.errorhandler(ControlError)
@bp.errorhandler(SettingError)
@bp.errorhandler(FaultError)
def on_control_error(error: Exception) -> Response:
    return json_reply({"error": str(error)}, getattr(error, "status", 400))


def body() -> dict[str, Any]:
    data = request.get_json(force=True, silent=True) if request.content_length else {}
    if not isinstance(data, dict):
        raise ControlError("the body must be a JSON object")
    return data


from . import setup, site  # noqa: E402

__all__ = ["ControlError", "body", "bp", "setup", "site"]
