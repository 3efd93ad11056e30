"""Users: list (with `query[...]` filters, incl. `query[group_id]`), get, create (201),
update (204), delete (204), and the external-id authentication record (API-NOTES §8)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, request

from .. import shapes
from ..pagination import paginate
from ..replies import empty, invalid, json_reply, not_found
from ..runtime import Emulator, emulator
from ..state import User
from ..users_rules import PROVIDERS, profile_fields, user_errors
from . import bp, json_body, whole_number


@bp.get("/users")
def list_users() -> Response:
    e = emulator()
    with e.lock:
        ids = [user.id for user in filtered_users(e, request.args)]
        users = e.store.users
        body = paginate(ids, lambda i: shapes.user(users[i]), request.args, e.switches)
    return json_reply(body)


def filtered_users(e: Emulator, args) -> Iterable[User]:
    users = candidates(e, args)
    if "query[email]" in args:
        wanted = args["query[email]"].strip().lower()
        partial = e.switches["EMAIL_QUERY"] == "partial"
        users = (u for u in users if (wanted in u.email if partial else u.email == wanted))
    if "query[role]" in args:
        users = (u for u in users if args["query[role]"] in u.roles)
    if "query[external_source]" in args:
        users = (u for u in users if u.external_source == args["query[external_source]"])
    label = args.get("query[custom_profile_field_label]")
    value = args.get("query[custom_profile_field_value]")
    if label is not None and value is not None:
        users = (u for u in users if _has_field(u, label, value))
    return users


def candidates(e: Emulator, args) -> Iterable[User]:
    """The smallest starting set: a group's visible members, an email's owner, or everyone."""
    if "query[group_id]" in args:
        group_id = whole_number(args["query[group_id]"])
        return [e.store.users[i] for i in e.store.member_ids(group_id) if i in e.store.users]
    if "query[email]" in args and e.switches["EMAIL_QUERY"] == "exact":
        user = e.store.user_by_email(args["query[email]"])
        return [user] if user else []
    return [e.store.users[i] for i in sorted(e.store.users)]


def _has_field(user: User, label: str, value: str) -> bool:
    return any(f["label"] == label and f["value"] == value for f in user.custom_profile_fields)


@bp.post("/users")
def create_user() -> Response:
    data = json_body()
    e = emulator()
    with e.lock:
        errors = user_errors(data, e.store, None)
        if errors:
            raise invalid(errors)
        user = e.store.add_user(
            data["email"], data["first_name"], data["last_name"], **profile_fields(data)
        )
        link_external_id(user, data)
        if data.get("send_welcome_email") is True:
            user.welcome_email_sent = True
            e.welcome_emails.append({"user_id": user.id, "email": user.email})
        return json_reply(shapes.user(user), 201)


def link_external_id(user: User, data: dict) -> None:
    if data.get("external_id"):
        user.external_id = str(data["external_id"])
        provider = data.get("provider")
        user.provider = provider if provider in PROVIDERS else "SSO"


def find_user(e: Emulator, key: str) -> User:
    """A user by Thinkific id, or by external id when `?provider=` is given; else 404."""
    provider = request.args.get("provider")
    if provider:
        for user in e.store.users.values():
            if user.external_id == key and user.provider == provider:
                return user
        raise not_found()
    user = e.store.users.get(whole_number(key)) if key.isdigit() else None
    if user is None:
        raise not_found()
    return user


@bp.get("/users/<key>")
def get_user(key: str) -> Response:
    e = emulator()
    with e.lock:
        return json_reply(shapes.user(find_user(e, key)))


@bp.put("/users/<key>")
def update_user(key: str) -> Response:
    data = json_body()
    e = emulator()
    with e.lock:
        user = find_user(e, key)
        errors = user_errors(data, e.store, user)
        if errors:
            raise invalid(errors)
        apply_update(e, user, data)
    return empty(204)


def apply_update(e: Emulator, user: User, data: dict) -> None:
    for name in ("first_name", "last_name"):
        if name in data:
            setattr(user, name, data[name])
    if "email" in data:
        e.store.change_email(user, data["email"])
    for name, value in profile_fields(data).items():
        setattr(user, name, value)


@bp.delete("/users/<key>")
def delete_user(key: str) -> Response:
    e = emulator()
    with e.lock:
        e.store.delete_user(find_user(e, key).id)
    return empty(204)


@bp.get("/users/<key>/authentications/<provider>")
def get_authentication(key: str, provider: str) -> Response:
    e = emulator()
    with e.lock:
        user = e.store.users.get(whole_number(key)) if key.isdigit() else None
        if user is None or user.provider != provider or not user.external_id:
            raise not_found()
        return json_reply({"provider": user.provider, "external_id": user.external_id})
