"""A local SMTP server that keeps every message it receives in a Maildir: `make run` starts it
(`flask mail-catcher`) so that a newcomer sees the mail the dashboard would send, on the
Outbox screen, with nothing set up. Tests use it as the real SMTP server on loopback."""

from __future__ import annotations

import mailbox
import signal
import socket
import threading
from pathlib import Path

from aiosmtpd.controller import Controller


class MaildirHandler:
    """aiosmtpd's handler: each message's bytes go into the Maildir, as received."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = str(directory)
        mailbox.Maildir(self.directory, create=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        mailbox.Maildir(self.directory, create=False).add(envelope.original_content)
        return "250 Message accepted for delivery"


def catcher(directory: str | Path, port: int = 0) -> Controller:
    """An SMTP server on 127.0.0.1 (not started); `port` 0: a free one."""
    if port == 0:  # aiosmtpd's Controller checks it is up by connecting to its port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    return Controller(MaildirHandler(directory), hostname="127.0.0.1", port=port)


def serve(directory: str | Path, port: int, say=print) -> None:
    """Run until SIGTERM or SIGINT (the `mail-catcher` process of `make run`)."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    server = catcher(directory, port)
    server.start()
    say(f"Catching mail on smtp://127.0.0.1:{server.port} into {directory}")
    try:
        stop.wait()
    finally:
        server.stop()
