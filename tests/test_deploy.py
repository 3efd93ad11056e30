"""The Heroku-style deploy files: what an operator's one-click deploy and release would run."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from dashboard.config import settings_from_env

ROOT = Path(__file__).resolve().parent.parent
LONG_RUNNING = {"web", "worker", "clock"}


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def app_json() -> dict:
    return json.loads((ROOT / "app.json").read_text())


def flask_commands(command_line: str) -> list[list[str]]:
    """The `flask --app wsgi ...` invocations in a Procfile command line."""
    found = []
    for part in command_line.split("&&"):
        words = shlex.split(part)
        if words[:3] == ["flask", "--app", "wsgi"]:
            found.append(words[3:])
    return found


def test_procfile_declares_release_web_and_worker():
    processes = procfile()
    assert {"release", "web", "worker"} <= processes.keys()
    assert set(processes) - {"release"} <= LONG_RUNNING
    assert "wsgi:app" in processes["web"]
    assert "--bind 0.0.0.0:$PORT" in processes["web"]


def test_procfile_names_only_commands_the_app_has(app):
    for command_line in procfile().values():
        for words in flask_commands(command_line):
            command = app.cli.get_command(None, words[0])
            assert command is not None, f"no flask command {words[0]!r}"
            if len(words) > 1 and hasattr(command, "get_command"):
                assert command.get_command(None, words[1]) is not None, words


def test_one_click_deploy_starts_every_process_with_postgres_and_redis():
    manifest = app_json()
    assert set(manifest["formation"]) == set(procfile()) - {"release"}
    plans = [addon["plan"].split(":")[0] for addon in manifest["addons"]]
    assert sorted(plans) == ["heroku-postgresql", "heroku-redis"]
    assert manifest["env"]["SECRET_KEY"]["generator"] == "secret"
    assert manifest["env"]["ADMIN_EMAIL"]["required"] is True
    assert manifest["env"]["ADMIN_PASSWORD"]["required"] is True


class RecordingEnviron(dict):
    """An environment that remembers which variables the app looked up."""

    def __init__(self, *args):
        super().__init__(*args)
        self.read: set[str] = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)


def test_app_json_sets_only_variables_the_app_reads():
    manifest = app_json()
    environ = RecordingEnviron({"SECRET_KEY": "x" * 32, "DYNO": "web.1"})
    for name, spec in manifest["env"].items():
        if "value" in spec:
            environ[name] = spec["value"]
    settings = settings_from_env(environ)
    assert set(manifest["env"]) <= environ.read
    assert settings["ENV_NAME"] == "production"


def test_release_phase_migrates_and_creates_the_admin(tmp_path):
    """Run the Procfile's release line in a shell, as the platform does, on a new database."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "ADMIN_"))},
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "release-test",
        "ADMIN_EMAIL": "ops@example.com",
        "ADMIN_PASSWORD": "release-password",
    }
    result = subprocess.run(
        ["bash", "-c", procfile()["release"]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Created admin account ops@example.com." in result.stdout
    engine = create_engine(f"sqlite:///{tmp_path / 'dashboard.sqlite3'}")
    with engine.connect() as connection:
        roles = connection.execute(text("SELECT email, role FROM accounts")).all()
    engine.dispose()
    assert roles == [("ops@example.com", "admin")]
