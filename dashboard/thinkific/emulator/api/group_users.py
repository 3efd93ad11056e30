"""`POST /group_users`: add one user to groups named by NAME (API-NOTES §6.1).

There is deliberately no route that removes a member: Thinkific's REST API has none (§6.3).
"""

from __future__ import annotations

from flask import Response

from ..replies import ApiError, empty, invalid, not_found
from ..runtime import emulator
from ..state import Group
from . import bp, json_body, whole_number

INVALID_NAMES = ["Invalid group_names"]


@bp.post("/group_users")
def add_user_to_groups() -> Response:
    data = json_body()
    names = data.get("group_names")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise invalid(INVALID_NAMES)
    e = emulator()
    with e.lock:
        user_id = find_user(data.get("user_id"))
        found, unknown = resolve(names)
        if unknown and (not found or e.switches["GROUP_USERS_MIXED_NAMES"] == "reject"):
            raise invalid(INVALID_NAMES)
        refuse_existing(user_id, found)
        delay = e.switches["MEMBERSHIP_DELAY"]
        for group in found:
            e.store.add_member(group.id, user_id, delay)
    if unknown:
        raise invalid(INVALID_NAMES)
    return empty(201)


def find_user(value: object) -> int:
    e = emulator()
    user_id = whole_number(value)
    if user_id in e.store.users:
        return user_id
    if e.switches["GROUP_USERS_UNKNOWN_USER"] == 404:
        raise ApiError(404, not_found().body, deviation="GROUP_USERS_UNKNOWN_USER=404")
    raise invalid(["User could not be found."])


def resolve(names: list[str]) -> tuple[list[Group], list[str]]:
    """The groups the names denote (the oldest group when a name is shared) and unknown names."""
    e = emulator()
    exact = e.switches["GROUP_NAME_MATCH"] == "exact"
    found, unknown = [], []
    for name in names:
        matches = e.store.groups_named(name, case_sensitive=exact)
        if matches:
            found.append(min(matches, key=lambda group: group.id))
        else:
            unknown.append(name)
    return found, unknown


def refuse_existing(user_id: int, groups: list[Group]) -> None:
    e = emulator()
    if e.switches["GROUP_USERS_EXISTING"] != "422":
        return
    if any(user_id in e.store.members[group.id] for group in groups):
        raise invalid(["User is already a member of this group"])
