"""The slice of Thinkific's GraphQL API the dashboard may use (API-NOTES §10): group queries and
the two unverified bulk membership mutations. The resolvers over the emulator's store, and the
built schema, are in `resolvers`."""

from __future__ import annotations

import base64
from typing import Any

from .. import shapes
from ..state import Group, User

SDL = """
scalar EmailAddress
scalar ISO8601DateTime

type Query {
  site: Site!
  group(id: ID!): Group
  user(gid: ID!): User
  userByEmail(email: EmailAddress!): User
}

type Mutation {
  bulkAddUsersToGroups(input: BulkAddUsersToGroupsInput!): BulkUsersGroupsPayload
  bulkRemoveUsersFromGroups(input: BulkRemoveUsersFromGroupsInput!): BulkUsersGroupsPayload
}

input BulkAddUsersToGroupsInput { userIds: [ID!]! groupIds: [ID!]! }
input BulkRemoveUsersFromGroupsInput { userIds: [ID!]! groupIds: [ID!]! }
type BulkUsersGroupsPayload { message: String userErrors: [UserError!]! }
type UserError { message: String! code: String }

type Site { groups(first: Int, after: String, last: Int, before: String): GroupConnection! }

type Group {
  id: ID!
  name: String!
  createdAt: ISO8601DateTime!
  users(first: Int, after: String, last: Int, before: String): UserConnection!
}

type User {
  id: ID!
  gid: ID!
  email: String!
  firstName: String
  lastName: String
  fullName: String
  groups(first: Int, after: String, last: Int, before: String): GroupConnection!
}

type PageInfo {
  startCursor: String
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
}

type GroupConnection { nodes: [Group!]! edges: [GroupEdge!]! pageInfo: PageInfo! totalCount: Int! }
type GroupEdge { node: Group! cursor: String! }
type UserConnection { nodes: [User!]! edges: [UserEdge!]! pageInfo: PageInfo! totalCount: Int! }
type UserEdge { node: User! cursor: String! }
"""

DEFAULT_PAGE = 10


def gid_of(user_id: int) -> str:
    return base64.b64encode(f"gid://thinkific/User/{user_id}".encode()).decode()


def user_id_from_gid(gid: str) -> int | None:
    try:
        text = base64.b64decode(gid, validate=True).decode()
    except ValueError:
        return None
    prefix, _, number = text.rpartition("/")
    return int(number) if prefix == "gid://thinkific/User" and number.isdigit() else None


def group_node(group: Group) -> dict[str, Any]:
    return {
        "id": str(group.id),
        "name": group.name,
        "createdAt": shapes.timestamp(group.created_at),
        "_id": group.id,
    }


def user_node(user: User) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "gid": gid_of(user.id),
        "email": user.email,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "fullName": f"{user.first_name} {user.last_name}".strip(),
        "_id": user.id,
    }


def cursor(index: int) -> str:
    return base64.b64encode(f"cursor:{index}".encode()).decode()


def _index(value: str | None) -> int | None:
    try:
        text = base64.b64decode(value or "", validate=True).decode()
    except ValueError:
        return None
    label, _, number = text.partition(":")
    return int(number) if label == "cursor" and number.isdigit() else None


def connection(nodes: list[dict], args: dict[str, Any]) -> dict[str, Any]:
    """A Relay connection over `nodes` with first/after or last/before."""
    start, end = 0, len(nodes)
    if (after := _index(args.get("after"))) is not None:
        start = after + 1
    if (before := _index(args.get("before"))) is not None:
        end = min(end, before)
    if args.get("last") is not None and args.get("first") is None:
        start = max(start, end - max(args["last"], 0))
    else:
        end = min(end, start + max(args.get("first") or DEFAULT_PAGE, 0))
    edges = [{"node": nodes[i], "cursor": cursor(i)} for i in range(start, end)]
    return {
        "nodes": [edge["node"] for edge in edges],
        "edges": edges,
        "totalCount": len(nodes),
        "pageInfo": {
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
            "hasNextPage": end < len(nodes),
            "hasPreviousPage": start > 0,
        },
    }
