"""The corrected copy of Thinkific's Admin API spec that strict mode validates against.

Built in code from the published file at load time (API-NOTES §17): E1 nullable pagination
links, E2 both 422 forms, E3 404 `error` as string, list or map, E4 nullable profile fields,
E5 nullable enrollment dates; plus the 401 and 429 responses the spec lacks, a 400 for bodies
that are not JSON, and a relative server URL so any host matches. One more repair makes the file
a valid OpenAPI document at all: its site-script error examples sit under `components.responses`
(where only Response objects may go) and move to `components.examples`; and a product price's
`label` has a `null` default although it is not nullable, so that default goes. Responses with
an empty `content: {}` (201/204 with no body) lose that key, which means the same to a reader
and lets openapi-core accept the empty body.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

SPEC_FILE = Path(__file__).resolve().parents[2] / "spec" / "thinkific-admin-api-v1.openapi.yml"
METHODS = ("get", "put", "post", "delete", "patch")
NULLABLE_USER_FIELDS = (
    "company",
    "avatar_url",
    "bio",
    "headline",
    "affiliate_code",
    "affiliate_commission",
    "affiliate_commission_type",
    "affiliate_payout_email",
    "external_source",
)
NULLABLE_ENROLLMENT_FIELDS = ("activated_at", "completed_at", "expiry_date")
MESSAGE = {"type": "string"}
MESSAGES = {"type": "array", "items": MESSAGE}
ERROR_BODY = {"type": "object", "required": ["error"], "properties": {"error": MESSAGE}}


@functools.cache
def published_spec() -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _string_keys(yaml.load(SPEC_FILE.read_text(), Loader=loader))


def _string_keys(node: Any) -> Any:
    """YAML reads `200:` as an int; OpenAPI wants the status codes as strings."""
    if isinstance(node, dict):
        return {str(key): _string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_string_keys(value) for value in node]
    return node


def corrected_spec() -> dict[str, Any]:
    spec = copy.deepcopy(published_spec())
    spec["servers"] = [{"url": "/api/public/v1"}]
    move_misplaced_examples(spec)
    spec["components"]["schemas"]["ProductPriceResponse"]["properties"]["label"].pop("default")
    schemas = spec["components"]["schemas"]
    fix_pagination(schemas)
    fix_unprocessable(schemas)
    fix_not_found(schemas)
    make_nullable(schemas["UserResponse"], NULLABLE_USER_FIELDS)
    make_nullable(schemas["EnrollmentResponse"], NULLABLE_ENROLLMENT_FIELDS)
    add_missing_responses(spec)
    return spec


def move_misplaced_examples(spec: dict[str, Any]) -> None:
    components = spec["components"]
    misplaced = components["responses"].pop("SiteScriptPutPostError")
    old = "#/components/responses/SiteScriptPutPostError/"
    for name, example in misplaced.items():
        components.setdefault("examples", {})[f"SiteScriptPutPostError{name}"] = example
    spec["paths"] = _rewrite_refs(
        spec["paths"], old, "#/components/examples/SiteScriptPutPostError"
    )


def _rewrite_refs(node: Any, old: str, new: str) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace(old, new)
            if key == "$ref" and isinstance(value, str)
            else _rewrite_refs(value, old, new)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(value, old, new) for value in node]
    return node


def make_nullable(schema: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        schema["properties"][name]["nullable"] = True


def fix_pagination(schemas: dict[str, Any]) -> None:
    """E1: next_page and prev_page are null at the ends."""
    make_nullable(schemas["Pagination"], ("next_page", "prev_page"))


def fix_unprocessable(schemas: dict[str, Any]) -> None:
    """E2: `errors` is a map (field -> messages, or field -> message) or a list of messages.

    The analysts' own 422 example is a list of one-entry maps, so list items may be maps too.
    """
    field_map = {"type": "object", "additionalProperties": {"anyOf": [MESSAGE, MESSAGES]}}
    listed = {"type": "array", "items": {"anyOf": [MESSAGE, field_map]}}
    schemas["UnprocessableEntityError"] = {
        "type": "object",
        "required": ["errors"],
        "properties": {"errors": {"anyOf": [field_map, listed]}},
    }


def fix_not_found(schemas: dict[str, Any]) -> None:
    """E3: `error` is a string, a list (GET /groups/{id}), or a map (analyst endpoints)."""
    field_map = {"type": "object", "additionalProperties": {"anyOf": [MESSAGE, MESSAGES]}}
    listed = {"type": "array", "items": {"anyOf": [MESSAGE, field_map]}}
    schemas["ErrorNotFound"] = {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"anyOf": [MESSAGE, listed, field_map]}},
    }


def add_missing_responses(spec: dict[str, Any]) -> None:
    for item in spec["paths"].values():
        for method in METHODS:
            if method in item:
                responses = item[method]["responses"]
                for response in responses.values():
                    if response.get("content") == {}:
                        del response["content"]
                responses.setdefault("401", unauthorized())
                responses.setdefault("429", too_many_requests())
                if "requestBody" in item[method]:
                    responses.setdefault("400", bad_request())


def unauthorized() -> dict[str, Any]:
    body = {"schema": ERROR_BODY, "example": {"error": "Authentication Error"}}
    return {"description": "Authentication Error", "content": {"application/json": body}}


def too_many_requests() -> dict[str, Any]:
    """The body of a 429 is not documented (JSON, an HTML page and nothing are all seen)."""
    return {
        "description": "Rate limited; RateLimit-Reset says when the budget comes back",
        "headers": {"RateLimit-Reset": {"required": True, "schema": {"type": "integer"}}},
    }


def bad_request() -> dict[str, Any]:
    return {
        "description": "Malformed request",
        "content": {"application/json": {"schema": ERROR_BODY}},
    }
