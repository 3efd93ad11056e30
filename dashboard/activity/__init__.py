"""The audit trail: `record` (the one door every change goes through); the Activity screen is
`dashboard.web.activity`.

from dashboard import activity
activity.record(activity.Kind.GROUP_EDITED, group, before=old, after=new)
"""

from .kinds import Kind, kind_words
from .trail import locked_out, purge, record, sign_in_failed

__all__ = [
    "Kind",
    "kind_words",
    "locked_out",
    "purge",
    "record",
    "sign_in_failed",
]
