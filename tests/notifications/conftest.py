"""Notification tests: a real SMTP server on loopback (aiosmtpd, the catcher `make run` uses)
and a real HTTP endpoint standing in for a chat's incoming webhook."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dashboard.notifications.catcher import catcher
from dashboard.notifications.outbox import CaughtMessage, caught_messages


@dataclass
class MailServer:
    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def messages(self) -> list[CaughtMessage]:
        return caught_messages(str(self.directory))


@pytest.fixture
def mail_server(tmp_path) -> MailServer:
    controller = catcher(tmp_path / "caught")
    controller.start()
    yield MailServer(controller.port, tmp_path / "caught")
    controller.stop()


@dataclass
class ChatEndpoint:
    url: str
    posts: list[dict] = field(default_factory=list)
    failures_left: int = 0  # answer 500 to this many posts first
    refused: int = 0


def _handler(endpoint: ChatEndpoint):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if endpoint.failures_left > 0:
                endpoint.failures_left -= 1
                endpoint.refused += 1
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"chat is down")
                return
            endpoint.posts.append(json.loads(body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def chat_endpoint() -> ChatEndpoint:
    endpoint = ChatEndpoint(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(endpoint))
    endpoint.url = f"http://127.0.0.1:{server.server_port}/hooks/team"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield endpoint
    server.shutdown()
    server.server_close()


@pytest.fixture
def app_config(app_config, mail_server) -> dict:
    """Mail goes to the loopback server; digests gather at once, a short window, quick retries."""
    return {
        **app_config,
        "SMTP_URL": mail_server.url,
        "MAIL_FROM": "Dashboard <dashboard@example.com>",
        "BASE_URL": "https://dashboard.example.com",
        "NOTIFY_GATHER_SECONDS": 0,
        "NOTIFY_DIGEST_SECONDS": 4,
        "NOTIFY_RETRY_SECONDS": [1, 1, 1],
    }
