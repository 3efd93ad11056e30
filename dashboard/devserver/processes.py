"""The processes `make run` supervises, declared once as data, and how each one is run.

A child runs in a process group of its own, so that Ctrl-C in the terminal reaches only the
supervisor, which then stops every child (and the grandchildren: gunicorn's workers, RQ's work
horses) in order.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..config import PROJECT_ROOT

FLASK = ("{python}", "-m", "flask", "--app", "wsgi")


@dataclass(frozen=True)
class Process:
    name: str
    argv: tuple[str, ...]  # "{placeholders}" are filled from the run's values
    needs_command: str | None = None  # runs only when the app has this flask command

    def command(self, values: Mapping[str, object]) -> list[str]:
        return [part.format(python=sys.executable, **values) for part in self.argv]


# The Procfile's processes, as `make run` runs them (web binds to 127.0.0.1 only).
PROCESSES = (
    Process(
        "web",
        (
            "{python}",
            "-m",
            "gunicorn",
            "wsgi:app",
            "--bind",
            "127.0.0.1:{port}",
            "--threads",
            "4",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
        ),
    ),
    Process("worker", (*FLASK, "worker")),
    # Notifications (and webhook follow-ups) go out while a long first sync runs.
    Process("notify", (*FLASK, "worker", "--queue", "default")),
    Process("clock", (*FLASK, "clock"), needs_command="clock"),
)

EMULATOR = Process(
    "thinkific",
    (
        *FLASK,
        "thinkific-emulator",
        "--port",
        "{emulator_port}",
        "--api-key",
        "{api_key}",
        "--subdomain",
        "{subdomain}",
        "--state-file",
        "{state_file}",
        "--empty",
        "--quiet",
    ),
    needs_command="thinkific-emulator",
)


MAIL_CATCHER = Process(
    "mail",
    (*FLASK, "mail-catcher", "--port", "{mail_port}", "--maildir", "{maildir}"),
    needs_command="mail-catcher",
)


class Output:
    """Lines from every child, prefixed with the child's name (coloured on a terminal)."""

    COLOURS = ("36", "33", "35", "32", "34", "31")

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        self.lock = threading.Lock()
        self.colour = self.stream.isatty() and not os.environ.get("NO_COLOR")
        self.names: list[str] = []

    def line(self, name: str, text: str) -> None:
        if name not in self.names:
            self.names.append(name)
        prefix = f"{name:<10}|"
        if self.colour:
            code = self.COLOURS[self.names.index(name) % len(self.COLOURS)]
            prefix = f"\033[{code}m{prefix}\033[0m"
        self.say(f"{prefix} {text.rstrip()}")

    def say(self, text: str = "") -> None:
        with self.lock:
            print(text, file=self.stream, flush=True)


class Child:
    """One supervised process; its output goes to `output` line by line."""

    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], output: Output):
        self.name = name
        self.popen = subprocess.Popen(
            argv,
            env=dict(env),
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.pump = threading.Thread(target=self._pump, args=(output,), daemon=True)
        self.pump.start()

    def _pump(self, output: Output) -> None:
        for text in self.popen.stdout:
            output.line(self.name, text)

    @property
    def exit_code(self) -> int | None:
        return self.popen.poll()

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signum)


def start(processes: Iterable[Process], values: Mapping, env: Mapping, output: Output) -> list:
    return [Child(p.name, p.command(values), env, output) for p in processes]


def stop_all(children: list[Child], timeout: float = 10.0) -> None:
    """SIGTERM every child's process group, then SIGKILL whatever is left after `timeout`."""
    for child in children:
        child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
    for child in children:
        child.signal_group(signal.SIGKILL)  # leftovers, e.g. a work horse whose parent is gone
        child.popen.wait()
        child.pump.join(timeout=2)


def first_exited(children: list[Child]) -> Child | None:
    return next((child for child in children if child.exit_code is not None), None)
