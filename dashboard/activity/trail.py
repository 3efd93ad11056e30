"""The one door to the audit trail: `record` a change in the transaction that makes it.

Who is the signed-in account of the request (none outside a request: the system, the demo
seed); where is the request's client address, as Flask sees it (`request.remote_addr`, which a
ProxyFix around the app rewrites from the proxy's headers). Records are never edited; `purge`
drops the ones older than ACTIVITY_RETENTION_DAYS and is the only delete.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import delete

from ..extensions import db
from ..models import Account, Activity, Group, Team, User, utcnow
from .kinds import Kind

EMAIL_MAX = 254
NAME_MAX = 255


def record(
    kind: Kind,
    obj: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    also: Any = None,
    actor_email: str | None = None,
) -> Activity | None:
    """Add a record of `kind` about `obj` (and `also`) to the session; the caller commits.

    With both `before` and `after`, only the keys whose values differ are kept, and an edit
    that changed nothing records nothing (returns None). `actor_email` names who tried when no
    one is signed in (a failed sign-in)."""
    before, after = _plain(before), _plain(after)
    if before is not None and after is not None:
        before, after = _changed(before, after)
        if not before and not after:
            return None
    account = _signed_in()
    activity = Activity(
        kind=Kind(kind).value,
        account_id=account.id if account else None,
        actor_email=(actor_email or (account.email if account else ""))[:EMAIL_MAX],
        ip=_client_address(),
        before=before,
        after=after,
    )
    activity.object_type, activity.object_id, activity.object_name = describe(obj)
    activity.related_type, activity.related_id, activity.related_name = describe(also)
    db.session.add(activity)
    return activity


def sign_in_failed(email: str) -> Activity:
    """Record a refused sign-in (the email tried, never the password) and commit it."""
    activity = record(Kind.SIGN_IN_FAILED, after={"email": email}, actor_email=email)
    db.session.commit()
    return activity


def locked_out(email: str | None, minutes: int | None = None) -> Activity:
    """Record that sign-in is now refused for `email` (or the client address) and commit it."""
    after = {"email": email, "minutes": minutes}
    activity = record(Kind.LOCKED_OUT, after=after, actor_email=email or "")
    db.session.commit()
    return activity


def purge(days: int | None = None) -> int:
    """Delete the records older than `days` (default ACTIVITY_RETENTION_DAYS); the caller
    commits. Returns how many went."""
    days = current_app.config["ACTIVITY_RETENTION_DAYS"] if days is None else days
    cutoff = utcnow() - timedelta(days=days)
    return db.session.execute(delete(Activity).where(Activity.at < cutoff)).rowcount


def describe(obj: Any) -> tuple[str | None, int | None, str]:
    """An object as a record names it: its type, id and name as they are now."""
    if obj is None:
        return None, None, ""
    if isinstance(obj, Group | Team):
        name = obj.name
    elif isinstance(obj, User | Account):
        name = obj.email
    else:
        raise TypeError(f"the activity trail does not record {type(obj).__name__} objects")
    return type(obj).__name__.lower(), obj.id, (name or "")[:NAME_MAX]


def _signed_in() -> Account | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def _client_address() -> str:
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """The values as JSON would read them back (dates as ISO text, sets as lists)."""
    if values is None:
        return None
    return json.loads(json.dumps(values, default=_jsonable, sort_keys=True))


def _jsonable(value: Any) -> Any:
    if isinstance(value, set | frozenset | tuple):
        return sorted(value)
    return str(value)


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
