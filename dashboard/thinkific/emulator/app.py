"""`create_emulator(config)`: the emulator's Flask app, separate from the dashboard's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from . import api, control, gate, graphql_api, snapshot
from .demo import load_demo
from .runtime import EXTENSION, Emulator


def create_emulator(config: Mapping[str, Any] | None = None) -> Flask:
    """A Thinkific stand-in. `config` holds credentials, STRICT, STATE_FILE and switch values
    (see the package README); anything else in it is ignored."""
    app = Flask(__name__)
    emulator = Emulator(config)
    app.extensions[EXTENSION] = emulator
    gate.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(graphql_api.bp)
    restored = snapshot.init_app(app, emulator)
    if emulator.settings["DEMO_DATA"] and not restored:
        with emulator.lock:
            load_demo(emulator.store)
        snapshot.save_if_kept(emulator)
    return app
