"""Group analysts (API-NOTES §7): exactly the spec's codes and its odd error shapes, including
the string-valued 422 map and the double colon in one of its messages."""

from __future__ import annotations

from flask import Response

from ..replies import ApiError, empty, invalid, json_reply
from ..runtime import Emulator, emulator
from . import bp, json_body, whole_number

ANALYST_ROLE = "group_analyst"


def _ids(values: object) -> list[int | None]:
    return [whole_number(v) for v in values] if isinstance(values, list) else []


def _listing(ids: list) -> str:
    return ", ".join(str(i) for i in ids)


@bp.get("/groups/<int:group_id>/analysts")
def list_analysts(group_id: int) -> Response:
    e = emulator()
    with e.lock:
        if group_id not in e.store.groups:
            message = f"Could not find group with ID {group_id}."
            raise ApiError(404, {"error": [{"group_id": message}]})
        return json_reply({"group_analysts": sorted(e.store.analysts.get(group_id, set()))})


@bp.post("/groups/<int:group_id>/analysts")
def add_analysts(group_id: int) -> Response:
    raw = json_body().get("user_ids")
    raw = raw if isinstance(raw, list) else []
    user_ids = _ids(raw)
    e = emulator()
    with e.lock:
        errors = _analyst_errors(e, group_id, raw, user_ids)
        if errors:
            raise invalid(errors)
        e.store.analysts.setdefault(group_id, set()).update(user_ids)
    return empty(201)


def _analyst_errors(e: Emulator, group_id: int, raw: list, user_ids: list) -> dict[str, str]:
    errors = {}
    unknown = [given for given, u in zip(raw, user_ids, strict=True) if u not in e.store.users]
    if unknown or not raw:
        errors["user_id"] = f"Invalid user IDs: {_listing(unknown)}"
    missing_role = _without_role(e, user_ids)
    if missing_role:
        errors["group_analysts"] = (
            f"User IDs missing group_analysts role:: {_listing(missing_role)}"
        )
    if group_id not in e.store.groups:
        errors["group_id"] = f"Invalid group ID: {group_id}"
    return errors


def _without_role(e: Emulator, user_ids: list) -> list[int]:
    users = e.store.users
    return [u for u in user_ids if u in users and ANALYST_ROLE not in users[u].roles]


def _not_found(e: Emulator, user_id: int, group_id: int | None) -> dict[str, list[str]]:
    error = {}
    if user_id not in e.store.users:
        error["user_id"] = [f"Could not find user with ID {user_id}."]
    if group_id is not None and group_id not in e.store.groups:
        error["group_id"] = [f"Could not find group with ID {group_id}."]
    return error


@bp.delete("/groups/<int:group_id>/analysts/<int:user_id>")
def remove_analyst(group_id: int, user_id: int) -> Response:
    e = emulator()
    with e.lock:
        error = _not_found(e, user_id, group_id)
        if error:
            raise ApiError(404, {"error": error})
        e.store.analysts.get(group_id, set()).discard(user_id)
    return empty(204)


@bp.post("/group_analysts/<int:user_id>/groups")
def add_groups_to_analyst(user_id: int) -> Response:
    group_ids = _ids(json_body().get("group_ids"))
    e = emulator()
    with e.lock:
        if user_id not in e.store.users:
            raise ApiError(404, {"error": _not_found(e, user_id, None)})
        errors = {}
        if ANALYST_ROLE not in e.store.users[user_id].roles:
            errors["group_analysts"] = f"User IDs missing group_analysts role: {user_id}"
        unknown = [g for g in group_ids if g not in e.store.groups]
        if unknown or not group_ids:
            errors["group_id"] = f"Invalid group IDs: {_listing(unknown)}"
        if errors:
            raise invalid(errors)
        for group_id in group_ids:
            e.store.analysts.setdefault(group_id, set()).add(user_id)
    return empty(201)


@bp.delete("/group_analysts/<int:user_id>/groups/<int:group_id>")
def remove_group_from_analyst(user_id: int, group_id: int) -> Response:
    e = emulator()
    with e.lock:
        if user_id not in e.store.users:
            raise ApiError(404, {"error": _not_found(e, user_id, group_id)})
        if group_id not in e.store.groups:
            raise invalid({"group_id": [f"Could not find group with ID {group_id}."]})
        e.store.analysts.get(group_id, set()).discard(user_id)
    return empty(204)
