"""Demo mode: the bundled Thinkific emulator on a free local port, seeded once with the demo.

Its data lives in a state file under instance/, so what the sync did survives a restart; the
demo's Thinkific side is loaded only when that file does not exist yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .ports import free_port

API_KEY = "demo-api-key-0123456789abcdef0123"  # the emulator only listens on 127.0.0.1
SUBDOMAIN = "demo-school"
STATE_FILE = "thinkific-emulator.json"


@dataclass(frozen=True)
class DemoThinkific:
    port: int
    state_file: Path
    fresh: bool  # no state yet: load the demo's Thinkific side once the emulator answers

    @classmethod
    def plan(cls, instance: Path) -> DemoThinkific:
        state_file = instance / STATE_FILE
        return cls(free_port(), state_file, fresh=not state_file.exists())

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.root_url}/api/public/v1"

    def values(self) -> dict[str, object]:
        """The placeholders of processes.EMULATOR."""
        return {
            "emulator_port": self.port,
            "api_key": API_KEY,
            "subdomain": SUBDOMAIN,
            "state_file": self.state_file,
        }

    def env(self) -> dict[str, str]:
        """What every other process needs to talk to the emulator as to Thinkific."""
        return {
            "THINKIFIC_API_URL": self.api_url,
            "THINKIFIC_API_KEY": API_KEY,
            "THINKIFIC_SUBDOMAIN": SUBDOMAIN,
            "THINKIFIC_GRAPHQL_URL": f"{self.root_url}/stable/graphql",
        }
