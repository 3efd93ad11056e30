"""`POST /stable/graphql` (config GRAPHQL_ENABLED): Bearer auth, named operations, cost-based
limits with `extensions.rateLimit`, `MAX_QUERY_COST_EXCEEDED` and `RATE_LIMITED` errors."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.exceptions import NotFound

from .. import auth, shapes
from ..replies import ApiError, json_reply
from ..runtime import GRAPHQL_PATH, Emulator, emulator

bp = Blueprint("thinkific_graphql", __name__)
WINDOW = 60.0


class GraphQLRefusal(Exception):
    """Answer with GraphQL errors (and optional rate info) instead of running the operation."""

    def __init__(self, message: str, code: str, status: int = 200, rate: dict | None = None):
        super().__init__(message)
        self.code, self.status, self.rate = code, status, rate


def error(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


@bp.post(GRAPHQL_PATH)
def endpoint() -> Response:
    e = emulator()
    if not e.switches["GRAPHQL_ENABLED"]:
        raise NotFound()
    accept_key = e.switches["GRAPHQL_ACCEPTS_API_KEY"]
    if not e.switches["API_ACCESS"]:
        raise ApiError(401, auth.AUTHENTICATION_ERROR)
    auth.authenticate(request.headers, e.settings, accept_key=accept_key)
    try:
        return run(e, read_request())
    except GraphQLRefusal as refusal:
        body = {"errors": [error(str(refusal), refusal.code)]}
        if refusal.rate:
            body["extensions"] = {"rateLimit": refusal.rate}
        return json_reply(body, refusal.status)


def read_request() -> dict[str, Any]:
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        raise GraphQLRefusal("Expected a JSON body with a query", "BAD_REQUEST", 400)
    variables = data.get("variables") or {}
    if not isinstance(variables, dict):
        raise GraphQLRefusal("variables must be an object", "BAD_REQUEST", 400)
    return {"query": data["query"], "variables": variables, "name": data.get("operationName")}


def run(e: Emulator, call: dict[str, Any]) -> Response:
    from graphql import GraphQLError, execute, get_operation_ast, parse, validate

    from .cost import cost_of
    from .resolvers import schema

    try:
        document = parse(call["query"])
    except GraphQLError as syntax:
        raise GraphQLRefusal(syntax.message, "GRAPHQL_PARSE_FAILED") from None
    problems = validate(schema(), document)
    if problems:
        raise GraphQLRefusal(problems[0].message, "GRAPHQL_VALIDATION_FAILED")
    operation = get_operation_ast(document, call["name"])
    if operation is None or operation.name is None:
        raise GraphQLRefusal("Operations must be named", "OPERATION_NAME_REQUIRED")
    cost = cost_of(
        schema(), document, operation, call["variables"], e.switches["GRAPHQL_COST_NORMALIZED"]
    )
    rate = charge(e, cost)
    with e.lock:
        result = execute(
            schema(),
            document,
            variable_values=call["variables"],
            operation_name=operation.name.value,
            context_value={"emulator": e},
        )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [
            {"message": x.message, "path": x.path, "extensions": {"code": "BAD_USER_INPUT"}}
            for x in result.errors
        ]
    body["extensions"] = {"rateLimit": rate}
    return json_reply(body)


def charge(e: Emulator, cost: int) -> dict[str, Any]:
    """Take the cost from the minute's budget, or refuse (over the cap, or budget spent)."""
    budget, cap = e.switches["GRAPHQL_POINTS_PER_MINUTE"], e.switches["GRAPHQL_MAX_QUERY_COST"]
    if cost > cap:
        _, remaining, reset = e.graphql_limiter.spend(0, budget, WINDOW)
        message = f"Query cost of {cost} exceeds the maximum single query cost limit of {cap}."
        raise GraphQLRefusal(
            message, "MAX_QUERY_COST_EXCEEDED", rate=rate_info(cost, budget, remaining, reset)
        )
    allowed, remaining, reset = e.graphql_limiter.spend(cost, budget, WINDOW)
    rate = rate_info(cost, budget, remaining, reset)
    if not allowed:
        status = e.switches["GRAPHQL_RATE_LIMIT_STATUS"]
        raise GraphQLRefusal("API rate limit exceeded", "RATE_LIMITED", status, rate)
    return rate


def rate_info(cost: int, budget: int, remaining: int, reset: float) -> dict[str, Any]:
    from datetime import UTC, datetime

    reset_at = shapes.timestamp(datetime.fromtimestamp(reset, UTC))
    return {"cost": cost, "limit": budget, "remaining": remaining, "resetAt": reset_at}
