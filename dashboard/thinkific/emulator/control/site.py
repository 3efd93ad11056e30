"""Acting as an admin in Thinkific's own UI, and reading the site's state."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from .. import shapes
from ..api import whole_number
from ..replies import empty, json_reply
from ..runtime import Emulator, emulator
from ..state import Group, User, utcnow
from ..users_rules import profile_fields, user_errors
from . import ControlError, body, bp


@bp.get("/")
def info() -> Response:
    e = emulator()
    return json_reply(
        {
            "api_path": "/api/public/v1",
            "graphql_path": "/stable/graphql",
            "subdomain": e.settings["SUBDOMAIN"],
            "api_key": e.settings["API_KEY"],
            "access_tokens": e.settings["ACCESS_TOKENS"],
            "strict": e.settings["STRICT"],
        }
    )


def group_row(e: Emulator, group: Group) -> dict[str, Any]:
    return shapes.group(group) | {"members_count": len(e.store.members[group.id])}


def get_group(e: Emulator, group_id: int) -> Group:
    group = e.store.groups.get(group_id)
    if group is None:
        raise ControlError(f"no group with id {group_id}", 404)
    return group


def get_user(e: Emulator, user_id: int) -> User:
    user = e.store.users.get(user_id)
    if user is None:
        raise ControlError(f"no user with id {user_id}", 404)
    return user


@bp.get("/groups")
def groups() -> Response:
    e = emulator()
    with e.lock:
        return json_reply([group_row(e, e.store.groups[i]) for i in sorted(e.store.groups)])


@bp.post("/groups")
def create_group() -> Response:
    data = body()
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ControlError("name is required")
    e = emulator()
    with e.lock:
        return json_reply(group_row(e, e.store.add_group(name)), 201)


@bp.delete("/groups/<int:group_id>")
def delete_group(group_id: int) -> Response:
    e = emulator()
    with e.lock:
        e.store.delete_group(get_group(e, group_id).id)
    return empty(204)


@bp.get("/groups/<int:group_id>/members")
def members(group_id: int) -> Response:
    """Every member, including those the API does not show yet (`visible: false`)."""
    e = emulator()
    with e.lock:
        get_group(e, group_id)
        visible = set(e.store.member_ids(group_id))
        rows = [
            shapes.user(e.store.users[i]) | {"visible": i in visible}
            for i in e.store.member_ids(group_id, visible_only=False)
        ]
    return json_reply(rows)


@bp.post("/groups/<int:group_id>/members")
def add_member(group_id: int) -> Response:
    data = body()
    e = emulator()
    with e.lock:
        get_group(e, group_id)
        user = find_user(e, data)
        added = e.store.add_member(group_id, user.id)
    return json_reply({"added": added, "user_id": user.id}, 201 if added else 200)


def find_user(e: Emulator, data: dict) -> User:
    if "user_id" in data:
        return get_user(e, whole_number(data["user_id"]))
    user = e.store.user_by_email(str(data.get("email") or ""))
    if user is None:
        raise ControlError("give the user_id or the email of an existing user", 404)
    return user


@bp.delete("/groups/<int:group_id>/members/<int:user_id>")
def remove_member(group_id: int, user_id: int) -> Response:
    """The removal only Thinkific's admin UI can make."""
    e = emulator()
    with e.lock:
        get_group(e, group_id)
        if not e.store.remove_member(group_id, user_id):
            raise ControlError(f"user {user_id} is not a member of group {group_id}", 404)
    return empty(204)


@bp.get("/users")
def users() -> Response:
    e = emulator()
    email = request.args.get("email")
    with e.lock:
        if email:
            found = e.store.user_by_email(email)
            return json_reply([user_row(e, found)] if found else [])
        return json_reply([shapes.user(e.store.users[i]) for i in sorted(e.store.users)])


@bp.get("/users/<int:user_id>")
def user(user_id: int) -> Response:
    e = emulator()
    with e.lock:
        return json_reply(user_row(e, get_user(e, user_id)))


def user_row(e: Emulator, found: User) -> dict[str, Any]:
    """A user with what only an admin sees: their groups and whether a welcome email went out."""
    group_ids = sorted(g for g, members in e.store.members.items() if found.id in members)
    return shapes.user(found) | {"group_ids": group_ids, "welcome_email": found.welcome_email_sent}


@bp.post("/users")
def create_user() -> Response:
    data = body()
    email = str(data.get("email") or "")
    local = email.partition("@")[0] or "learner"
    data = {"first_name": local.capitalize(), "last_name": "Learner"} | data
    e = emulator()
    with e.lock:
        errors = user_errors(data, e.store, None)
        if errors:
            raise ControlError("; ".join(f"{k} {', '.join(v)}" for k, v in errors.items()), 422)
        created = e.store.add_user(
            email, data["first_name"], data["last_name"], **profile_fields(data)
        )
        return json_reply(shapes.user(created), 201)


@bp.patch("/users/<int:user_id>")
def update_user(user_id: int) -> Response:
    data = body()
    e = emulator()
    with e.lock:
        found = get_user(e, user_id)
        errors = user_errors(data, e.store, found)
        if errors:
            raise ControlError("; ".join(f"{k} {', '.join(v)}" for k, v in errors.items()), 422)
        if "email" in data:
            e.store.change_email(found, data["email"])
        for name in ("first_name", "last_name"):
            if name in data:
                setattr(found, name, data[name])
        for name, value in profile_fields(data).items():
            setattr(found, name, value)
        return json_reply(shapes.user(found))


@bp.delete("/users/<int:user_id>")
def delete_user(user_id: int) -> Response:
    e = emulator()
    with e.lock:
        e.store.delete_user(get_user(e, user_id).id)
    return empty(204)


@bp.get("/courses")
def courses() -> Response:
    e = emulator()
    with e.lock:
        return json_reply([shapes.course(e.store.courses[i]) for i in sorted(e.store.courses)])


@bp.get("/enrollments")
def enrollments() -> Response:
    e = emulator()
    now = utcnow()
    with e.lock:
        store = e.store
        return json_reply(
            [shapes.enrollment(store.enrollments[i], store, now) for i in sorted(store.enrollments)]
        )


@bp.get("/welcome_emails")
def welcome_emails() -> Response:
    e = emulator()
    with e.lock:
        return json_reply(list(e.welcome_emails))
