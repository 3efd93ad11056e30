"""`rediss://` with a self-signed certificate, as Heroku Redis gives it, must work."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from dashboard import create_app
from dashboard.redis_client import connect

CERTS = Path(__file__).parent / "fixtures" / "tls"


class TLSFront:
    """TLS with a self-signed certificate in front of the session's real redis-server, as
    Heroku Redis puts it in front of its servers."""

    def __init__(self, backend_url: str):
        self.backend = urlsplit(backend_url)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(CERTS / "selfsigned.crt", CERTS / "selfsigned.key")
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = self.listener.accept()
                threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError), connection:
            client = self.context.wrap_socket(connection, server_side=True)
            with self._open_backend() as backend:
                threading.Thread(target=_pump, args=(backend, client), daemon=True).start()
                _pump(client, backend)

    def _open_backend(self) -> socket.socket:
        if self.backend.scheme == "unix":
            backend = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            backend.connect(self.backend.path)
            return backend
        return socket.create_connection((self.backend.hostname, self.backend.port or 6379))

    def close(self) -> None:
        self.listener.close()


def _pump(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


@pytest.fixture
def rediss_url(redis_url):
    front = TLSFront(redis_url)
    yield f"rediss://127.0.0.1:{front.port}/0"
    front.close()


def test_the_client_accepts_a_self_signed_certificate(rediss_url, redis_url):
    client = connect(rediss_url)
    assert client.ping() is True
    client.set("rediss-check", "through TLS", ex=60)
    assert redis.Redis.from_url(redis_url).get("rediss-check") == b"through TLS"


def test_a_verifying_client_would_refuse_it(rediss_url):
    """The control: the certificate really is one that verification rejects."""
    with pytest.raises(redis.ConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        redis.Redis.from_url(rediss_url).ping()


def test_healthz_is_ok_on_a_rediss_url(app_config, rediss_url):
    app = create_app({**app_config, "REDIS_URL": rediss_url})
    response = app.test_client().get("/healthz")
    assert response.json["checks"]["redis"] == "ok"


def test_plain_urls_do_not_use_tls():
    client = connect("redis://127.0.0.1:6379/0")
    assert client.connection_pool.connection_class is redis.Connection
