"""Fault injection: errors, Cloudflare pages, slowness, dropped sockets, broken JSON, 429 storms.

A rule fires on the requests it matches (method, and a glob on the path), either by rate (a
probability, drawn from an RNG seeded per rule so runs repeat) or by schedule (`nth`: the 1-based
numbers of the matching requests it fires on), and at most `times` times when given.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

KINDS = ("server_error", "cloudflare", "slow", "drop", "malformed_json", "rate_limit")
DEFAULT_STATUS = {"server_error": 503, "cloudflare": 520, "rate_limit": 429}
ALLOWED_STATUS = {
    "server_error": (500, 502, 503),
    "cloudflare": tuple(range(520, 528)),
    "rate_limit": (429,),
}


class FaultError(ValueError):
    """A fault rule that cannot be used."""


@dataclass
class Fault:
    kind: str
    method: str | None = None
    path: str = "*"
    rate: float | None = None
    nth: list[int] | None = None
    times: int | None = None
    status: int | None = None
    delay: float = 2.0
    reset_after: float = 1.0
    seen: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def matches(self, method: str, path: str) -> bool:
        if self.times is not None and self.fired >= self.times:
            return False
        return (self.method is None or self.method == method) and fnmatchcase(path, self.path)

    def fires(self) -> bool:
        """Count one matching request and decide whether the fault hits it."""
        self.seen += 1
        if self.nth is not None:
            hit = self.seen in self.nth
        elif self.rate is not None:
            hit = self.rng.random() < self.rate
        else:
            hit = True
        return hit

    def describe(self) -> dict[str, Any]:
        fields = ("kind", "method", "path", "rate", "nth", "times", "status", "delay")
        return {name: getattr(self, name) for name in fields} | {
            "reset_after": self.reset_after,
            "seen": self.seen,
            "fired": self.fired,
        }


def make_fault(spec: dict[str, Any], seed: int, index: int) -> Fault:
    """Build a rule from its JSON form, checking every field."""
    unknown = set(spec) - {"kind", "method", "path", "rate", "nth", "times", "status", "delay"}
    unknown -= {"reset_after"}
    if unknown:
        raise FaultError(f"unknown fault field(s): {', '.join(sorted(unknown))}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultError(f"kind must be one of {', '.join(KINDS)}")
    fault = Fault(
        kind=kind,
        method=(spec.get("method") or "").upper() or None,
        path=spec.get("path") or "*",
        rate=_rate(spec.get("rate")),
        nth=_nth(spec.get("nth")),
        times=_count(spec.get("times"), "times"),
        status=_status(kind, spec.get("status")),
        delay=_seconds(spec.get("delay", 2.0), "delay"),
        reset_after=_seconds(spec.get("reset_after", 1.0), "reset_after"),
    )
    fault.rng.seed(f"{seed}:{index}")
    return fault


def _rate(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise FaultError("rate must be a probability between 0 and 1")
    return float(value)


def _nth(value: Any) -> list[int] | None:
    if value is None:
        return None
    numbers = value if isinstance(value, list) else [value]
    if not numbers or not all(isinstance(n, int) and n >= 1 for n in numbers):
        raise FaultError("nth must be a positive whole number or a list of them")
    return numbers


def _count(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise FaultError(f"{name} must be a positive whole number")
    return value


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FaultError(f"{name} must be a number of seconds (0 or more)")
    return float(value)


def _status(kind: str, value: Any) -> int | None:
    if kind not in ALLOWED_STATUS:
        return None
    status = DEFAULT_STATUS[kind] if value is None else value
    if status not in ALLOWED_STATUS[kind]:
        allowed = ", ".join(map(str, ALLOWED_STATUS[kind]))
        raise FaultError(f"status for {kind} must be one of {allowed}")
    return status


class FaultBook:
    """The active rules. Every matching rule counts the request; the first that fires applies."""

    def __init__(self, seed: int = 0) -> None:
        self.seed, self.lock, self.rules = seed, threading.Lock(), []

    def add(self, spec: dict[str, Any]) -> Fault:
        with self.lock:
            fault = make_fault(spec, self.seed, len(self.rules))
            self.rules.append(fault)
            return fault

    def clear(self) -> None:
        with self.lock:
            self.rules = []

    def pick(self, method: str, path: str) -> Fault | None:
        with self.lock:
            hits = [f for f in self.rules if f.matches(method, path) and f.fires()]
            if hits:
                hits[0].fired += 1
            return hits[0] if hits else None

    def describe(self) -> list[dict[str, Any]]:
        with self.lock:
            return [fault.describe() for fault in self.rules]
