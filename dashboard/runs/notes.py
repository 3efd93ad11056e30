"""What a running run is doing right now, kept in Redis beside its row (no database writes):
its phase of course access (how many enrollment changes it plans), and what it waits for on
Thinkific (a 429's pause, the request budget, a retry's back-off) and until when.

The worker writes; the status fragments read. Every key expires on its own.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from ..redis_client import get_redis

KEEP = 24 * 3600  # seconds a run's phase is kept (a run ends far sooner)
NOTE_MARGIN = 5  # seconds a waiting note outlives its wait


@dataclass(frozen=True)
class Waiting:
    why: str
    until: float  # epoch seconds

    @property
    def seconds_left(self) -> int:
        return max(0, round(self.until - time.time()))


@dataclass(frozen=True)
class AccessPhase:
    planned: int | None  # enrollment changes to make (None while enrollments are read)
    failures_before: int  # the run's failures when the phase began


def on_wait(run_id: int) -> Callable[[str, float], None]:
    """The client's `on_wait` for a run: note what it waits for, and until when."""
    redis = get_redis()

    def note(why: str, seconds: float) -> None:
        value = json.dumps({"why": why, "until": time.time() + seconds})
        redis.set(f"sync:waiting:{run_id}", value, ex=int(seconds) + NOTE_MARGIN)

    return note


def waiting(run_id: int) -> Waiting | None:
    """What the run waits for on Thinkific now, if anything."""
    raw = get_redis().get(f"sync:waiting:{run_id}")
    if raw is None:
        return None
    note = json.loads(raw)
    found = Waiting(note["why"], note["until"])
    return found if found.until > time.time() else None


def begin_access(run_id: int, planned: int | None, failures_before: int) -> None:
    """The run is in its course access phase: reading (`planned` None), then making changes."""
    value = json.dumps({"planned": planned, "failures_before": failures_before})
    get_redis().set(f"sync:access:{run_id}", value, ex=KEEP)


def access_phase(run_id: int) -> AccessPhase | None:
    raw = get_redis().get(f"sync:access:{run_id}")
    return AccessPhase(**json.loads(raw)) if raw is not None else None


def seconds_for(calls: float, rate_per_minute: int) -> int:
    """How long `calls` requests take at the request budget's pace."""
    return round(60 * calls / max(1, rate_per_minute))
