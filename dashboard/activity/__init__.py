"""The audit trail: `record` (the one door every change goes through), and the Activity screen.

from dashboard import activity
activity.record(activity.Kind.GROUP_EDITED, group, before=old, after=new)
"""

from flask import Blueprint

from .kinds import Kind, kind_words
from .trail import locked_out, purge, record, sign_in_failed

bp = Blueprint("activity", __name__, url_prefix="/admin/activity")

__all__ = [
    "Kind",
    "blueprint",
    "bp",
    "kind_words",
    "locked_out",
    "purge",
    "record",
    "sign_in_failed",
]  # fmt: skip


def blueprint() -> Blueprint:
    """The blueprint with its routes (importing the views registers them)."""
    from ..web import activity  # noqa: F401

    return bp
