"""The Outbox screen's data: the messages `make run`'s mail catcher received, newest first."""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

SHOWN = 50


@dataclass(frozen=True)
class CaughtMessage:
    key: str
    sent_at: datetime | None
    sender: str
    to: str
    subject: str
    body: str


def caught_messages(directory: str, limit: int = SHOWN) -> list[CaughtMessage]:
    if not Path(directory, "cur").is_dir():
        return []
    box = mailbox.Maildir(directory, factory=None, create=False)
    messages = [_read(key, box.get_bytes(key)) for key in box.iterkeys()]
    messages.sort(key=lambda m: (m.sent_at.timestamp() if m.sent_at else 0, m.key), reverse=True)
    return messages[:limit]


def _read(key: str, raw: bytes) -> CaughtMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    part = message.get_body(preferencelist=("plain",))
    try:
        sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    return CaughtMessage(
        key,
        sent_at,
        str(message["From"] or ""),
        str(message["To"] or ""),
        str(message["Subject"] or ""),
        part.get_content() if part is not None else "",
    )
