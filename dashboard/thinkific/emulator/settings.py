"""The emulator's configuration: credentials, limits and the switches for uncertain behaviour.

Every switch has a default that follows Thinkific's spec (or, where the spec is silent, the most
likely behaviour named in API-NOTES) and a fixed set of allowed values; `coerce()` checks a value
before it is used, so a typo in a test or on the command line fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

DEFAULT_API_KEY = "0123456789abcdef0123456789abcdef"
DEFAULT_SUBDOMAIN = "demo-school"
DEFAULT_ACCESS_TOKEN = "emulator-access-token-0123456789abcdef0123456789"


class SettingError(ValueError):
    """A switch name is unknown or its value is not allowed."""


def _choice(*allowed: Any) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise SettingError(f"must be one of {', '.join(map(str, allowed))}")
        return value

    return check


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if str(value).strip().lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingError("must be true or false")


def _number(minimum: float) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError) as error:
            raise SettingError("must be a number") from error
        if number < minimum:
            raise SettingError(f"must be at least {minimum:g}")
        return number

    return check


def _integer(minimum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        number = _number(minimum)(value)
        if number != int(number):
            raise SettingError("must be a whole number")
        return int(number)

    return check


def _status(*allowed: int) -> Callable[[Any], int]:
    return lambda value: _choice(*allowed)(_integer(100)(value))


# name: (default, check). Runtime-changeable through the control API (`configure`).
SWITCHES: dict[str, tuple[Any, Callable[[Any], Any]]] = {
    # auth and plan
    "API_ACCESS": (True, _boolean),
    # rate limit (§4)
    "RATE_LIMIT": (120, _integer(1)),
    "RATE_LIMIT_WINDOW": (60.0, _number(0.01)),
    "RATE_LIMIT_RESET": ("epoch_ms", _choice("epoch_ms", "epoch_s", "delta_ms")),
    "RATE_LIMIT_RETRY_AFTER": (False, _boolean),
    "RATE_LIMIT_BODY": ("json", _choice("json", "html", "empty")),
    # pagination (§2)
    "LIMIT_OVER_MAX": ("clamp", _choice("clamp", "422")),
    "PREV_PAGE_ON_FIRST": ("null", _choice("null", "zero")),
    "ENTRIES_INFO": (True, _boolean),
    "ORDER": ("id_asc", _choice("id_asc", "id_desc")),
    # groups (§5)
    "GROUP_SINGLE_WRAPPED": (False, _boolean),
    "GROUP_NAME_UNIQUENESS": ("none", _choice("none", "exact", "case_insensitive")),
    # group users (§6)
    "GROUP_NAME_MATCH": ("exact", _choice("exact", "case_insensitive")),
    "GROUP_USERS_UNKNOWN_USER": (422, _status(422, 404)),
    "GROUP_USERS_MIXED_NAMES": ("reject", _choice("reject", "partial")),
    "GROUP_USERS_EXISTING": ("noop", _choice("noop", "422")),
    "MEMBERSHIP_DELAY": (0.0, _number(0)),
    # users (§8)
    "EMAIL_QUERY": ("exact", _choice("exact", "partial")),
    # enrollments (§11)
    "ENROLLMENT_PUT_STATUS": (204, _status(204, 200)),
    "ENROLLMENT_EXISTING": ("422", _choice("422", "update")),
    # strict mode also checks the answers a switch made off-spec on purpose
    "CHECK_DEVIATIONS": (False, _boolean),
    # every Thinkific answer waits this long first (network latency for benchmarks)
    "LATENCY": (0.0, _number(0)),
    # GraphQL (§10)
    "GRAPHQL_ENABLED": (False, _boolean),
    "GRAPHQL_ACCEPTS_API_KEY": (False, _boolean),
    "GRAPHQL_POINTS_PER_MINUTE": (2000, _integer(1)),
    "GRAPHQL_MAX_QUERY_COST": (1000, _integer(1)),
    "GRAPHQL_COST_NORMALIZED": (True, _boolean),
    "GRAPHQL_RATE_LIMIT_STATUS": (200, _status(200, 429)),
    "GRAPHQL_USER_IDS": ("id", _choice("id", "gid")),
}

# Fixed at start: credentials, strictness, persistence, the fault RNG seed.
STARTUP: dict[str, Any] = {
    "API_KEY": DEFAULT_API_KEY,
    "SUBDOMAIN": DEFAULT_SUBDOMAIN,
    "ACCESS_TOKENS": [DEFAULT_ACCESS_TOKEN],
    "STRICT": False,
    "STATE_FILE": None,
    "FAULT_SEED": 0,
    "DEMO_DATA": False,
    "TENANT_ID": "1",
}


def coerce(name: str, value: Any) -> tuple[str, Any]:
    """Return the switch's canonical name and checked value, or raise SettingError."""
    key = name.upper()
    if key not in SWITCHES:
        raise SettingError(f"unknown switch {name!r}")
    try:
        return key, SWITCHES[key][1](value)
    except SettingError as error:
        raise SettingError(f"{key} {error}") from None


def initial_switches(config: Mapping[str, Any]) -> dict[str, Any]:
    """The switch values at start (and after a reset): defaults overridden by `config`."""
    switches = {name: default for name, (default, _) in SWITCHES.items()}
    for name, value in config.items():
        if name.upper() in SWITCHES:
            key, checked = coerce(name, value)
            switches[key] = checked
    return switches


def startup_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    settings = {**STARTUP, **{k: v for k, v in config.items() if k in STARTUP}}
    if isinstance(settings["ACCESS_TOKENS"], str):
        settings["ACCESS_TOKENS"] = [settings["ACCESS_TOKENS"]]
    return settings
