"""`flask mail-catcher`: the local SMTP server `make run` starts for the Outbox screen."""

from __future__ import annotations

import click


@click.command("mail-catcher")
@click.option("--port", type=click.IntRange(1, 65535), required=True)
@click.option("--maildir", type=click.Path(file_okay=False), required=True)
def mail_catcher(port: int, maildir: str) -> None:
    """Receive mail on 127.0.0.1:PORT and keep it in MAILDIR (shown on the Outbox screen)."""
    from .catcher import serve

    serve(maildir, port, say=click.echo)
