"""Daily housekeeping the clock enqueues: the audit trail's retention purge."""

from __future__ import annotations

from dashboard.activity import purge
from dashboard.extensions import db


def purge_activity() -> str:
    """Delete the activity records older than ACTIVITY_RETENTION_DAYS."""
    try:
        removed = purge()
        db.session.commit()
    finally:
        db.session.remove()
    return f"purged {removed} activity records"
