"""STATE_FILE keeps the demo site across restarts; the CLI prints where it runs."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests

from dashboard.thinkific.emulator import EmulatorControl, EmulatorServer, create_emulator

ROOT = Path(__file__).resolve().parents[2]


def test_the_site_survives_a_restart(tmp_path):
    state = tmp_path / "site.json"
    with EmulatorServer(create_emulator({"STATE_FILE": str(state)})) as server:
        control = EmulatorControl(server.url)
        seeded = control.seed(
            groups=[{"name": "Acme"}],
            users=[{"email": "ann@example.com", "roles": ["group_analyst"]}],
            memberships=[{"group_name": "Acme", "email": "ann@example.com"}],
            courses=[{"name": "Safety"}],
            enrollments=[{"email": "ann@example.com", "course_name": "Safety"}],
        )
        before = (control.groups(), control.users(), control.enrollments())

    with EmulatorServer(create_emulator({"STATE_FILE": str(state)})) as server:
        control = EmulatorControl(server.url)
        after = (control.groups(), control.users(), control.enrollments())
        new_group = control.create_group("Globex")

    assert after == before
    assert new_group["id"] > seeded["groups"][0]["id"]


def test_demo_data_is_seeded_once_then_kept(tmp_path, emulator_factory):
    config = {"STATE_FILE": str(tmp_path / "site.json"), "DEMO_DATA": True}
    first = emulator_factory(**config)
    demo_groups = first.control.groups()
    first.session().delete(f"{first.api_url}/groups/{demo_groups[0]['id']}")

    second = emulator_factory(**config)

    assert len(demo_groups) >= 3
    assert second.control.groups() == demo_groups[1:]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(tmp_path, *args):
    env = os.environ | {"PYTHONPATH": str(ROOT), "INSTANCE_PATH": str(tmp_path)}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "thinkific-emulator", *args]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_the_command_prints_its_url_and_credentials_and_serves(tmp_path):
    port = free_port()
    process = run_cli(
        tmp_path, "--port", str(port), "--api-key", "k1", "--subdomain", "s1", "--quiet"
    )
    try:
        lines = [process.stdout.readline() for _ in range(4)]
        api_url = f"http://127.0.0.1:{port}/api/public/v1"
        assert f"  THINKIFIC_API_URL={api_url}\n" in lines
        assert "  THINKIFIC_API_KEY=k1\n" in lines
        headers = {"X-Auth-API-Key": "k1", "X-Auth-Subdomain": "s1"}
        groups = requests.get(f"{api_url}/groups", headers=headers, timeout=5).json()
        assert groups["meta"]["pagination"]["total_items"] >= 3
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)


def test_the_command_refuses_bad_arguments(tmp_path):
    process = run_cli(tmp_path, "--port", "99999")

    _, errors = process.communicate(timeout=30)

    assert process.returncode == 2
    assert "--port" in errors
