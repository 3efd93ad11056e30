"""Groups: list, create (200), get, delete (204). No update route exists (API-NOTES §5)."""

from __future__ import annotations

from flask import Response, request

from .. import shapes
from ..pagination import paginate
from ..replies import NOT_FOUND, empty, invalid, json_reply, not_found
from ..runtime import emulator
from . import bp, deviate, json_body


@bp.get("/groups")
def list_groups() -> Response:
    e = emulator()
    with e.lock:
        groups = e.store.groups
        body = paginate(sorted(groups), lambda i: shapes.group(groups[i]), request.args, e.switches)
    return json_reply(body)


@bp.post("/groups")
def create_group() -> Response:
    name = json_body().get("name")
    if not isinstance(name, str) or not name.strip():
        raise invalid({"name": ["can't be blank"]})
    e = emulator()
    with e.lock:
        if name_taken(name):
            raise invalid({"name": ["has already been taken"]})
        group = e.store.add_group(name)
        return single(shapes.group(group))


def name_taken(name: str) -> bool:
    e = emulator()
    uniqueness = e.switches["GROUP_NAME_UNIQUENESS"]
    if uniqueness == "none":
        return False
    return bool(e.store.groups_named(name, case_sensitive=uniqueness == "exact"))


def single(group: dict) -> Response:
    """One group: bare as the spec says, or `{"group": {...}}` as SALOON reads it (switch)."""
    if emulator().switches["GROUP_SINGLE_WRAPPED"]:
        deviate("GROUP_SINGLE_WRAPPED")
        return json_reply({"group": group})
    return json_reply(group)


@bp.get("/groups/<int:group_id>")
def get_group(group_id: int) -> Response:
    e = emulator()
    with e.lock:
        group = e.store.groups.get(group_id)
        if group is None:
            raise not_found([NOT_FOUND])
        return single(shapes.group(group))


@bp.delete("/groups/<int:group_id>")
def delete_group(group_id: int) -> Response:
    e = emulator()
    with e.lock:
        if group_id not in e.store.groups:
            raise not_found()
        e.store.delete_group(group_id)
    return empty(204)
