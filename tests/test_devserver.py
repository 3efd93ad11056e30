"""`make run`'s engine as a newcomer meets it: `python -m dashboard.devserver`, a real process
tree (embedded Redis, the Thinkific emulator, gunicorn, the RQ worker), real HTTP."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from dashboard.demo import demo_data
from dashboard.devserver.prepare import prepare_database, secret_key
from dashboard.devserver.thinkific import API_KEY, SUBDOMAIN
from dashboard.extensions import db
from dashboard.models import Team

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 120  # seconds; a cold start takes a few
DEMO_GROUP = "Adatum · Consultants"


class DevServer:
    """`python -m dashboard.devserver` in a session of its own, its output collected."""

    def __init__(self, instance: Path, port: int):
        self.instance, self.port = instance, port
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.devserver"],
            cwd=ROOT,
            env=_environment(instance, port),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def own_output(self) -> str:
        """What the supervisor itself said (the children's lines start with "name |")."""
        return "".join(line for line in self.lines if not re.match(r"\w+ *\|", line))

    def wait_for(self, pattern: str, timeout: float = START_TIMEOUT) -> re.Match:
        """The first match of `pattern` in the output, waiting for it (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output)
            if match:
                return match
            if self.process.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.1)
        pytest.fail(f"no {pattern!r} in the output of make run:\n{self.output}")

    def wait_until_running(self) -> str:
        return self.wait_for(r"running at (http://\S+/)").group(1)

    def stop(self, signum: int = signal.SIGINT, timeout: float = 30) -> int:
        self.process.send_signal(signum)
        return self.wait(timeout)

    def wait(self, timeout: float = 30) -> int:
        """The exit code, once the devserver has exited (bounded)."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"make run still runs after {timeout}s:\n{self.output}")
        self.reader.join(timeout=5)
        return code

    def process_tree(self) -> set[int]:
        """Every live process below the devserver, plus the daemonised redis-server."""
        pids = _descendants(self.process.pid)
        redis_pid = self.instance / "redis" / "redis.pid"
        if redis_pid.exists():
            pids.add(int(redis_pid.read_text()))
        return {pid for pid in pids if _running(pid)}

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture
def devserver(tmp_path):
    servers: list[DevServer] = []

    def start(port: int | None = None) -> DevServer:
        servers.append(DevServer(tmp_path / "instance", port or _free_port()))
        return servers[-1]

    yield start
    for server in servers:
        tree = server.process_tree()
        server.kill()
        for pid in tree:
            _kill(pid)


def test_make_run_serves_the_demo_and_stops_everything_on_ctrl_c(devserver):
    server = devserver()
    url = server.wait_until_running()
    email = server.wait_for(r"email:\s+(\S+)").group(1)
    password = server.wait_for(r"password: (\S+)").group(1)
    assert requests.get(f"{url}healthz", timeout=5).json()["status"] == "ok"

    session = _sign_in(url, email, password)
    groups_page = session.get(f"{url}admin/groups/?q=Adatum", timeout=10)
    assert groups_page.status_code == 200
    assert DEMO_GROUP in groups_page.text

    api_url = server.wait_for(r"emulator with demo data, at (\S+)").group(1)
    names = _emulator_group_names(api_url)  # the clock's first sync may have added some already
    assert {g.name for g in demo_data().thinkific_groups()} <= names
    assert names <= {g.name for g in demo_data().groups}

    tree = server.process_tree()
    assert len(tree) >= 5  # redis, emulator, gunicorn master + worker, RQ worker
    assert server.stop(signal.SIGINT) == 0
    assert _wait_gone(tree) == set()
    assert "Traceback" not in server.own_output  # (a job cut short may log one in its worker)
    assert server.output.rstrip().endswith("Stopped.")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_during_the_first_sync_stops_everything_quietly(devserver, signum):
    server = devserver()
    server.wait_until_running()
    server.wait_for(r"worker +\|.*jobs\.sync\.poll\(\)")  # the clock's first sync, at boot
    api_url = server.wait_for(r"emulator with demo data, at (\S+)").group(1)
    seeded = {group.name for group in demo_data().thinkific_groups()}
    _wait_for(lambda: _emulator_group_names(api_url) - seeded)  # it is pushing groups now
    tree = server.process_tree()
    assert int((server.instance / "redis" / "redis.pid").read_text()) in tree
    server.process.send_signal(signum)
    server.process.send_signal(signum)  # twice: make forwards SIGTERM, a user presses Ctrl-C again
    assert server.wait() == 0
    assert _wait_gone(tree) == set()
    server.wait_for(r"worker +\|.* job \S+ stopped: the worker is shutting down")
    assert "Traceback" not in server.output
    assert server.output.rstrip().endswith("Stopped.")


def test_second_start_keeps_data_and_a_dying_child_stops_the_rest(devserver):
    first = devserver()
    first.wait_until_running()
    api_url = first.wait_for(r"emulator with demo data, at (\S+)").group(1)
    _create_emulator_group(api_url, "Made during the first run")
    assert first.stop(signal.SIGTERM) == 0

    second = devserver()
    second.wait_until_running()
    assert "password:" not in second.output  # shown once only
    assert "Sign in as admin@example.com with its password" in second.output
    assert "Seeded" not in second.output
    api_url = second.wait_for(r"emulator with demo data, at (\S+)").group(1)
    assert "Made during the first run" in _emulator_group_names(api_url)

    tree = second.process_tree()
    children = _descendants(second.process.pid, depth=1)  # not the worker's job horses
    worker = next(pid for pid in children if _command_line(pid).split()[-1:] == ["worker"])
    os.kill(worker, signal.SIGKILL)
    assert second.wait() == 1
    assert "The worker process was killed by SIGKILL; stopping the others." in second.output
    assert _wait_gone(tree) == set()


def test_a_port_in_use_gets_a_clear_message(devserver):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = devserver(port)
        assert server.wait() == 1
    assert f"port {port} is already in use" in server.output
    assert f"PORT={port + 1} make run" in server.output
    assert "Traceback" not in server.own_output
    assert not (server.instance / "redis" / "redis.pid").exists()


# --- the one-time preparation, in process ---------------------------------------------------


def test_demo_mode_seeds_an_empty_database_once(app):
    said: list[str] = []
    prepare_database(app, demo=True, say=said.append)
    assert db.session.scalar(select(func.count()).select_from(Team)) == len(demo_data().teams)
    prepare_database(app, demo=True, say=said.append)
    assert [line for line in said if line.startswith("Seeded")] == [said[0]]


def test_with_thinkific_credentials_nothing_is_seeded(app):
    said: list[str] = []
    sign_in = prepare_database(app, demo=False, say=said.append)
    assert said == []
    assert db.session.scalar(select(func.count()).select_from(Team)) == 0
    assert "password:" in sign_in[-1]


def test_demo_mode_leaves_a_database_with_data_alone(app, make):
    make.group("Our own group")
    prepare_database(app, demo=True, say=pytest.fail)
    assert db.session.scalar(select(func.count()).select_from(Team)) == 0


def test_admin_from_the_environment_is_used_and_its_password_never_printed(app):
    app.config.update(ADMIN_EMAIL="Ops@Example.com", ADMIN_PASSWORD="from-the-environment")
    sign_in = prepare_database(app, demo=False, say=print)
    assert sign_in == ["Sign in as ops@example.com with the password in ADMIN_PASSWORD."]
    assert "from-the-environment" not in " ".join(sign_in)


def test_the_generated_password_is_shown_only_the_first_time(app):
    first = prepare_database(app, demo=False, say=print)
    second = prepare_database(app, demo=False, say=print)
    assert any("password:" in line for line in first)
    assert not any("password:" in line for line in second)
    assert "create-admin admin@example.com" in second[-1]


def test_the_development_secret_key_survives_a_restart(tmp_path):
    key = secret_key(tmp_path)
    assert len(key) == 64
    assert secret_key(tmp_path) == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


# --- helpers ----------------------------------------------------------------------------------


def _environment(instance: Path, port: int) -> dict[str, str]:
    """A newcomer's environment: no services, no credentials; one web worker to be quick."""
    dropped = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ADMIN_", "THINKIFIC_", "APP_ENV", "DYNO")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        INSTANCE_PATH=str(instance), PORT=str(port), WEB_CONCURRENCY="1", PYTHONPATH=str(ROOT)
    )
    return env


def _sign_in(url: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{url}login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    data = {"csrf_token": token, "email": email, "password": password}
    response = session.post(f"{url}login", data=data, timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.text
    return session


def _emulator_auth() -> dict[str, str]:
    return {"X-Auth-API-Key": API_KEY, "X-Auth-Subdomain": SUBDOMAIN}


def _emulator_group_names(api_url: str) -> set[str]:
    response = requests.get(f"{api_url}/groups?limit=250", headers=_emulator_auth(), timeout=10)
    assert response.status_code == 200
    return {group["name"] for group in response.json()["items"]}


def _create_emulator_group(api_url: str, name: str) -> None:
    response = requests.post(
        f"{api_url}/groups", json={"name": name}, headers=_emulator_auth(), timeout=10
    )
    assert response.status_code == 200, response.text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _descendants(root: int, depth: int = 99) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {root}
    for _ in range(depth):
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        if not frontier:
            break
        found |= frontier
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie may linger when PID 1 does not reap)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _wait_gone(pids: set[int], timeout: float = 15) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_running(pid) for pid in pids):
        time.sleep(0.1)
    return {pid for pid in pids if _running(pid)}


def _wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not true after {timeout}s: {condition}")
        time.sleep(0.2)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
