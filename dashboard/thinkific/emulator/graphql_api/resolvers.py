"""Resolvers: read and change the store. They run under the emulator's lock (see view.py)."""

from __future__ import annotations

import functools
from typing import Any

from graphql import GraphQLResolveInfo, GraphQLSchema, build_schema

from ..api import whole_number
from ..runtime import Emulator
from .schema import SDL, connection, group_node, user_id_from_gid, user_node

ADD_MESSAGE = "Adding users to groups has been queued."
REMOVE_MESSAGE = "Removing users from groups has been queued."


def _emulator(info: GraphQLResolveInfo) -> Emulator:
    return info.context["emulator"]


def site_groups(_root, info, **args) -> dict[str, Any]:
    store = _emulator(info).store
    return connection([group_node(store.groups[i]) for i in sorted(store.groups)], args)


def group(_root, info, id: str) -> dict[str, Any] | None:
    found = _emulator(info).store.groups.get(whole_number(id))
    return group_node(found) if found else None


def group_users(root, info, **args) -> dict[str, Any]:
    store = _emulator(info).store
    users = [user_node(store.users[i]) for i in store.member_ids(root["_id"]) if i in store.users]
    return connection(users, args)


def user(_root, info, gid: str) -> dict[str, Any] | None:
    found = _emulator(info).store.users.get(user_id_from_gid(gid))
    return user_node(found) if found else None


def user_by_email(_root, info, email: str) -> dict[str, Any] | None:
    found = _emulator(info).store.user_by_email(email)
    return user_node(found) if found else None


def user_groups(root, info, **args) -> dict[str, Any]:
    store = _emulator(info).store
    visible = [g for g in sorted(store.groups) if root["_id"] in store.member_ids(g)]
    return connection([group_node(store.groups[g]) for g in visible], args)


def _targets(e: Emulator, data: dict[str, Any]) -> tuple[list[int], list[int], list[dict]]:
    """The users and groups an input names, and a userError for each that does not exist."""
    by_gid = e.switches["GRAPHQL_USER_IDS"] == "gid"
    users, groups, errors = [], [], []
    for given in data["userIds"]:
        user_id = user_id_from_gid(given) if by_gid else whole_number(given)
        if user_id in e.store.users:
            users.append(user_id)
        else:
            errors.append({"message": f"User {given} not found", "code": "NOT_FOUND"})
    for given in data["groupIds"]:
        if whole_number(given) in e.store.groups:
            groups.append(whole_number(given))
        else:
            errors.append({"message": f"Group {given} not found", "code": "NOT_FOUND"})
    return users, groups, errors


def bulk_add(_root, info, input: dict[str, Any]) -> dict[str, Any]:
    e = _emulator(info)
    users, groups, errors = _targets(e, input)
    if errors:
        return {"message": None, "userErrors": errors}
    for group_id in groups:
        for user_id in users:
            e.store.add_member(group_id, user_id, e.switches["MEMBERSHIP_DELAY"])
    return {"message": ADD_MESSAGE, "userErrors": []}


def bulk_remove(_root, info, input: dict[str, Any]) -> dict[str, Any]:
    e = _emulator(info)
    users, groups, errors = _targets(e, input)
    if errors:
        return {"message": None, "userErrors": errors}
    for group_id in groups:
        for user_id in users:
            e.store.remove_member(group_id, user_id)
    return {"message": REMOVE_MESSAGE, "userErrors": []}


RESOLVERS = {
    ("Query", "site"): lambda _root, _info: {},
    ("Query", "group"): group,
    ("Query", "user"): user,
    ("Query", "userByEmail"): user_by_email,
    ("Site", "groups"): site_groups,
    ("Group", "users"): group_users,
    ("User", "groups"): user_groups,
    ("Mutation", "bulkAddUsersToGroups"): bulk_add,
    ("Mutation", "bulkRemoveUsersFromGroups"): bulk_remove,
}


def attach(schema: GraphQLSchema) -> None:
    for (type_name, field_name), resolve in RESOLVERS.items():
        schema.type_map[type_name].fields[field_name].resolve = resolve


@functools.cache
def schema() -> GraphQLSchema:
    """The schema, built once, with these resolvers attached."""
    built = build_schema(SDL)
    attach(built)
    return built
