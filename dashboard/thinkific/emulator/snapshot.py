"""Keep the site in a JSON file (config STATE_FILE) so a demo survives restarts.

The file is rewritten atomically after every request that may have changed something.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from pathlib import Path
from threading import Lock
from typing import Any

from flask import Flask, Response, request

from . import shapes
from .runtime import Emulator, emulator
from .state import Course, Enrollment, Group, Store, User

DATES = ("created_at", "updated_at", "activated_at", "expiry_date", "completed_at")
_saving = Lock()  # one save at a time (`save`)


def _plain(record: Any) -> dict[str, Any]:
    data = dataclasses.asdict(record)
    return {k: shapes.timestamp(v) if k in DATES else v for k, v in data.items()}


def _record(kind: type, data: dict[str, Any]) -> Any:
    dates = {k: shapes.parse_timestamp(v) for k, v in data.items() if k in DATES and v}
    return kind(**(data | dates))


def dump(store: Store) -> dict[str, Any]:
    return {
        "groups": [_plain(g) for g in store.groups.values()],
        "users": [_plain(u) for u in store.users.values()],
        "members": {str(g): {str(u): t for u, t in m.items()} for g, m in store.members.items()},
        "courses": [_plain(c) for c in store.courses.values()],
        "enrollments": [_plain(e) for e in store.enrollments.values()],
        "next_ids": store.next_ids,
    }


def load(data: dict[str, Any]) -> Store:
    store = Store(next_ids=dict(data["next_ids"]))
    store.groups = {g["id"]: _record(Group, g) for g in data["groups"]}
    store.users = {u["id"]: _record(User, u) for u in data["users"]}
    store.emails = {user.email: user.id for user in store.users.values()}
    store.members = {
        int(g): {int(u): float(t) for u, t in m.items()} for g, m in data["members"].items()
    }
    store.courses = {c["id"]: _record(Course, c) for c in data["courses"]}
    store.enrollments = {e["id"]: _record(Enrollment, e) for e in data["enrollments"]}
    return store


def save(e: Emulator, path: str) -> None:
    """Write the site as it is now. Saves run one at a time, each reading the site when its
    turn comes: two requests saving at once (a push of the clock's sync and an admin's change)
    could otherwise put the older reading in place last, and lose the newer change."""
    with _saving:
        with e.lock:
            text = json.dumps(dump(e.store), separators=(",", ":"))
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".emulator-state-")
        with os.fdopen(handle, "w") as file:
            file.write(text)
        os.replace(temporary, target)


def restore(e: Emulator, path: str) -> bool:
    """Load the file into the emulator; False when there is no file yet."""
    if not Path(path).exists():
        return False
    store = load(json.loads(Path(path).read_text()))
    with e.lock:
        e.store = store
    return True


def init_app(app: Flask, e: Emulator) -> bool:
    """Restore the kept site, if any (True), and keep saving it after changes."""
    path = e.settings["STATE_FILE"]
    if not path:
        return False
    app.after_request(_save_after_change)
    return restore(e, path)


def save_if_kept(e: Emulator) -> None:
    if e.settings["STATE_FILE"]:
        save(e, e.settings["STATE_FILE"])


def _save_after_change(response: Response) -> Response:
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        save_if_kept(emulator())
    return response
