"""The running emulator: its site data, switches, limiter, faults and what it has seen."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from flask import current_app

from .faults import FaultBook
from .ratelimit import SiteLimiter
from .settings import coerce, initial_switches, startup_settings
from .state import Store
from .stats import Stats

API_BASE = "/api/public/v1"
GRAPHQL_PATH = "/stable/graphql"
CONTROL_BASE = "/_emulator"
EXTENSION = "thinkific_emulator"


class Emulator:
    """One emulated Thinkific site. Hold `lock` while reading or changing `store`."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = dict(config or {})
        self.settings = startup_settings(self.config)
        self.initial_switches = initial_switches(self.config)
        self.lock = threading.RLock()
        self.store = Store()
        self.switches = dict(self.initial_switches)
        self.limiter = SiteLimiter()
        self.faults = FaultBook(int(self.settings["FAULT_SEED"]))
        self.stats = Stats()
        self.violations: list[dict[str, Any]] = []
        self.welcome_emails: list[dict[str, Any]] = []
        self.graphql_limiter = SiteLimiter()

    def reset(self) -> None:
        """Forget everything: data, switches back to their start values, faults, stats."""
        with self.lock:
            self.store = Store()
            self.switches = dict(self.initial_switches)
            self.violations.clear()
            self.welcome_emails.clear()
        self.limiter.reset()
        self.graphql_limiter.reset()
        self.faults.clear()
        self.stats.reset()
        if self.settings["DEMO_DATA"]:
            from .demo import load_demo

            with self.lock:
                load_demo(self.store)

    def configure(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change switches (all or none: every value is checked first); return them all."""
        checked = dict(coerce(name, value) for name, value in changes.items())
        with self.lock:
            self.switches.update(checked)
            if {"RATE_LIMIT", "RATE_LIMIT_WINDOW"} & checked.keys():
                self.limiter.reset()
            return dict(self.switches)

    def record_violation(self, violation: dict[str, Any]) -> None:
        with self.lock:
            self.violations.append(violation)


def emulator() -> Emulator:
    """The emulator of the current app."""
    return current_app.extensions[EXTENSION]
