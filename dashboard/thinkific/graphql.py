"""Removing members from groups: REST cannot (API-NOTES §6.3); GraphQL might (§10).

With `removals="graphql"` (THINKIFIC_REMOVALS=graphql) the client calls the unverified
`bulkRemoveUsersFromGroups` mutation with Bearer auth (GraphQL refuses the REST API key).
GraphQL's limit is cost-based (2000 points a minute, a mutation costing 1000 raw points), not
the REST budget: the client reads the rate information each answer carries under
`extensions.rateLimit` and, when what remains is less than what the last call cost (the unit
is Thinkific's, whichever it is) or Thinkific answers `RATE_LIMITED`,
pauses GraphQL for every process until the reset. Otherwise removals raise
`RemovalNeedsManualAction`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from .budget import MAX_429_WAIT, MIN_429_WAIT, Pause, reset_delay
from .errors import (
    ConfigurationError,
    GraphQLError,
    GraphQLRateLimited,
    MalformedResponse,
    RemovalNeedsManualAction,
)

REMOVE_USERS = """
mutation BulkRemoveUsersFromGroups($input: BulkRemoveUsersFromGroupsInput!) {
  bulkRemoveUsersFromGroups(input: $input) { message userErrors { message } }
}
"""
BATCH_SIZE = 100
RATE_LIMITED_CODES = {"RATE_LIMITED"}


class RemovalOperations:
    """Mixed into `ThinkificClient`."""

    @property
    def removals_enabled(self) -> bool:
        return self.removals == "graphql"

    def remove_users_from_groups(self, user_ids: Iterable[int], group_ids: Iterable[int]) -> None:
        """Remove every user in `user_ids` from every group in `group_ids`."""
        users, groups = [int(u) for u in user_ids], [int(g) for g in group_ids]
        if not self.removals_enabled:
            raise RemovalNeedsManualAction(
                "Thinkific's API cannot remove users from a group: remove them by hand in "
                "Thinkific's admin (Users → Groups), or enable THINKIFIC_REMOVALS=graphql"
            )
        if not self._access_token:
            raise ConfigurationError(
                "Removing group members through GraphQL needs THINKIFIC_ACCESS_TOKEN "
                "(Thinkific's GraphQL API does not accept the REST API key)"
            )
        for start in range(0, len(users), BATCH_SIZE):
            self._remove_batch(users[start : start + BATCH_SIZE], groups)

    def _remove_batch(self, users: list[int], groups: list[int]) -> None:
        variables = {"input": {"userIds": users, "groupIds": groups}}
        data = self._graphql("BulkRemoveUsersFromGroups", REMOVE_USERS, variables)
        result = data.get("bulkRemoveUsersFromGroups")
        if not isinstance(result, dict):
            raise MalformedResponse("Thinkific's GraphQL answer has no bulkRemoveUsersFromGroups")
        problems = [e.get("message", str(e)) for e in result.get("userErrors") or []]
        if problems:
            raise GraphQLError("Thinkific refused the removal: " + "; ".join(map(str, problems)))

    def _graphql(self, operation: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """POST a named operation; return `data`, after honouring the cost-based limit."""
        budget = GraphQLBudget(self.budget.graphql_pause, self._transport.sleep)
        body = {"operationName": operation, "query": query, "variables": variables}
        return self._transport.request(
            "POST",
            self.graphql_url,
            json=body,
            budget=budget,
            check=lambda answer: self._read_graphql(answer, budget),
        )

    def _read_graphql(self, answer: Any, budget: GraphQLBudget) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise MalformedResponse("Thinkific's GraphQL answer is not a JSON object")
        rate = (answer.get("extensions") or {}).get("rateLimit") or {}
        errors = answer.get("errors") or []
        if _rate_limited(errors):
            self._transport.note_rate_limited(budget, _seconds_until(rate.get("resetAt")))
            raise GraphQLRateLimited("Thinkific's GraphQL cost budget is spent (RATE_LIMITED)")
        if errors:
            raise GraphQLError(_messages(errors), _codes(errors))
        if _next_mutation_would_not_fit(rate):
            budget.pause.extend(_seconds_until(rate.get("resetAt")))
        if not isinstance(answer.get("data"), dict):
            raise MalformedResponse("Thinkific's GraphQL answer has no data")
        return answer["data"]


class GraphQLBudget:
    """GraphQL's side of the budget: only its shared pause (its cost is counted by Thinkific)."""

    def __init__(self, pause: Pause, sleep: Callable[[float], None]) -> None:
        self.pause, self._sleep = pause, sleep

    def wait_for_turn(self) -> float:
        waited = self.pause.remaining()
        if waited > 0:
            self._sleep(waited)
        return waited

    def delay_after_429(self, response: Any) -> float:
        """A GraphQL 429 names its reset in the body's rate information, if anywhere."""
        try:
            rate = response.json()["extensions"]["rateLimit"]
            return _seconds_until(rate["resetAt"])
        except (ValueError, TypeError, KeyError):
            return reset_delay(response.headers.get("RateLimit-Reset"))


def _rate_limited(errors: list[Any]) -> bool:
    codes = set(_codes(errors))
    limited = any("rate limit exceeded" in str(e.get("message", "")).lower() for e in errors)
    return bool(codes & RATE_LIMITED_CODES) or limited


def _codes(errors: list[Any]) -> tuple[str, ...]:
    found = ((e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict))
    return tuple(str(code) for code in found if code)


def _messages(errors: list[Any]) -> str:
    messages = [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
    return "Thinkific's GraphQL API refused the request: " + "; ".join(messages)


def _next_mutation_would_not_fit(rate: dict[str, Any]) -> bool:
    """Whether what is left is less than what this request cost (both in Thinkific's unit)."""
    remaining, cost = rate.get("remaining"), rate.get("cost")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (remaining, cost))
    return numbers and remaining < cost


def _seconds_until(reset_at: Any) -> float:
    """Seconds until GraphQL's `resetAt` (an ISO time or an epoch), clamped to [1 s, 60 s]."""
    if isinstance(reset_at, str):
        try:
            moment = datetime.fromisoformat(reset_at)
        except ValueError:
            return reset_delay(reset_at)
        seconds = moment.timestamp() - time.time()
        return min(MAX_429_WAIT, max(MIN_429_WAIT, seconds))
    return reset_delay(None if reset_at is None else str(reset_at))
