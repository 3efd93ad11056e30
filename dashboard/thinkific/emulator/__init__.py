"""The Thinkific emulator: a faithful stand-in for the parts of Thinkific's Admin API the
dashboard uses (DESIGN §6, API-NOTES §15). The switches, faults and control API are described
in README.md beside this file.

    app = create_emulator({"STRICT": True})          # a Flask app
    with EmulatorServer(app) as server:               # real HTTP on a free port
        control = EmulatorControl(server.url)
        control.seed(groups=[{"name": "Acme"}])
"""

from .app import create_emulator
from .client import EmulatorControl
from .server import EmulatorServer

__all__ = ["EmulatorControl", "EmulatorServer", "create_emulator"]
