"""Serve an emulator over real HTTP in a background thread (tests, the demo, benchmarks)."""

from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .runtime import API_BASE, GRAPHQL_PATH


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without a log line per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class EmulatorServer:
    """`with EmulatorServer(app) as server:` serves `app` on a free port until the block ends."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, quiet: bool = True):
        handler = QuietHandler if quiet else WSGIRequestHandler
        self.app = app
        self.server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=handler
        )
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    @property
    def api_url(self) -> str:
        return self.url + API_BASE

    @property
    def graphql_url(self) -> str:
        return self.url + GRAPHQL_PATH

    def start(self) -> EmulatorServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
