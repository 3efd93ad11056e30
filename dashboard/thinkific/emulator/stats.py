"""What the emulator saw: request counts per endpoint and status, 429s, faults, a recent log."""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from typing import Any

RECENT = 2000


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.total = 0
            self.endpoints: Counter[str] = Counter()
            self.statuses: Counter[int] = Counter()
            self.faults: Counter[str] = Counter()
            self.rate_limited = 0
            self.recent: deque[dict[str, Any]] = deque(maxlen=RECENT)

    def record(self, entry: dict[str, Any], fault: str | None) -> None:
        with self.lock:
            self.total += 1
            self.endpoints[entry["endpoint"]] += 1
            self.statuses[entry["status"]] += 1
            self.rate_limited += entry["status"] == 429
            if fault:
                self.faults[fault] += 1
            self.recent.append({**entry, "at": time.time()})

    def summary(self) -> dict[str, Any]:
        with self.lock:
            return {
                "total_requests": self.total,
                "per_endpoint": dict(self.endpoints),
                "per_status": {str(code): count for code, count in self.statuses.items()},
                "rate_limited": self.rate_limited,
                "faults": dict(self.faults),
            }

    def requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.recent)
