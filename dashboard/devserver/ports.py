"""Local TCP ports: is one free, find a free one, wait until one answers."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could bind `port` (as gunicorn would: with SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, *, alive: Callable[[], bool]) -> bool:
    """Poll `check` until it holds (True), `alive` fails or `timeout` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        if check():
            return True
        time.sleep(0.1)
    return False
