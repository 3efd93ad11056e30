"""One run per scope, one run per group, and proof of life — all in Redis, all expiring.

- A *claim* (`sync:claim:all`, `sync:claim:group:<id>`) names the run that owns a scope from
  the moment it is queued. Whoever finds a claim checks that its run is alive before trusting
  it, so a claim left by a killed worker never blocks anyone for long.
- A running run keeps a *heartbeat* key alive (refreshed by a thread every third of its TTL)
  and holds a *group lock* (a redis-py Lock, token = run id) while it syncs a group, and the
  *access lock* (`sync:lock:access`) while it changes enrollments. A killed worker stops
  refreshing them: they expire after `SYNC_HEARTBEAT_SECONDS`.
- The heartbeat names the process that beats (`host:pid`). On the host that runs it, a run
  whose process is gone is dead at once, whatever its key's time left; elsewhere its key must
  lapse. A key not refreshed on time (`silent_for`) tells of a run that may have stopped.
"""

from __future__ import annotations

import os
import socket
import threading
from contextlib import suppress
from pathlib import Path

from flask import current_app
from redis.exceptions import LockError, RedisError
from redis.lock import Lock

from ..redis_client import get_redis

CLAIM_TTL = 24 * 3600  # a safety net only; liveness is checked on every read of a claim
DEFAULT_HEARTBEAT_SECONDS = 30

RELEASE_IF_OWNER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def heartbeat_seconds() -> int:
    return int(current_app.config.get("SYNC_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS))


def scope_of(group_id: int | None) -> str:
    return "all" if group_id is None else f"group:{group_id}"


def claim(scope: str, run_id: int) -> int | None:
    """Claim `scope` for `run_id`; returns None on success, else the run id holding it."""
    redis = get_redis()
    if redis.set(f"sync:claim:{scope}", run_id, nx=True, ex=CLAIM_TTL):
        return None
    holder = redis.get(f"sync:claim:{scope}")
    return int(holder) if holder is not None else claim(scope, run_id)


def claimant(scope: str) -> int | None:
    holder = get_redis().get(f"sync:claim:{scope}")
    return int(holder) if holder is not None else None


def release(scope: str, run_id: int) -> None:
    get_redis().eval(RELEASE_IF_OWNER, 1, f"sync:claim:{scope}", str(run_id))


def release_locks_of(run_id: int) -> None:
    """Free the group and access locks a dead run still holds (found dead before they lapse)."""
    redis = get_redis()
    for key in redis.scan_iter(match="sync:lock:*", count=500):
        redis.eval(RELEASE_IF_OWNER, 1, key, str(run_id))


def is_alive(run_id: int) -> bool:
    """The run's heartbeat key exists and does not name a process of this host that is gone."""
    proof = get_redis().get(f"sync:alive:{run_id}")
    return proof is not None and not _gone_here(proof)


def silent_for(run_id: int) -> float:
    """Seconds the run's heartbeat is overdue (0 while it beats on time, or has no key)."""
    ttl, left = heartbeat_seconds(), get_redis().pttl(f"sync:alive:{run_id}") / 1000
    since_beat = ttl - left if left > 0 else 0
    return max(0.0, since_beat - ttl / 3)


def proof_of_life() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _gone_here(proof: bytes) -> bool:
    host, _, pid = proof.decode(errors="replace").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    return not process_exists(int(pid))


def process_exists(pid: int) -> bool:
    """A process of this host with that id is running (not a zombie left unreaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rpartition(")")[2].split()[0] != "Z"
    return True


def group_lock_holder(group_id: int) -> int | None:
    holder = get_redis().get(f"sync:lock:group:{group_id}")
    return int(holder) if holder is not None else None


class Heartbeat:
    """While open: the run is alive, and the group locks it takes stay held."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.ttl = heartbeat_seconds()
        self._redis = get_redis()
        self._locks: dict[str, Lock] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="sync-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._touch()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.ttl)
        for name in list(self._locks):
            self.unlock(name)
        self._redis.delete(f"sync:alive:{self.run_id}")

    def lock_group(self, group_id: int) -> bool:
        return self.lock(f"group:{group_id}")

    def unlock_group(self, group_id: int) -> None:
        self.unlock(f"group:{group_id}")

    def lock(self, name: str, wait: float = 0) -> bool:
        """Hold `sync:lock:<name>` while the run lives (waiting up to `wait` seconds for it)."""
        lock = Lock(self._redis, f"sync:lock:{name}", timeout=self.ttl, thread_local=False)
        taken = lock.acquire(
            blocking=wait > 0, blocking_timeout=wait or None, token=str(self.run_id)
        )
        if not taken:
            return False
        with self._guard:
            self._locks[name] = lock
        return True

    def unlock(self, name: str) -> None:
        with self._guard:
            lock = self._locks.pop(name, None)
        if lock is not None:
            with suppress(LockError):
                lock.release()

    def _beat(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            with suppress(RedisError):  # Redis away for a moment: the next beat tries again
                self._beat_once()

    def _beat_once(self) -> None:
        self._touch()
        with self._guard:
            locks = list(self._locks.values())
        for lock in locks:
            with suppress(LockError):
                lock.reacquire()

    def _touch(self) -> None:
        self._redis.set(f"sync:alive:{self.run_id}", proof_of_life(), ex=self.ttl)
