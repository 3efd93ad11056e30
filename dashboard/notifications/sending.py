"""Sending a digest: by email over SMTP (the standard library's smtplib), or as JSON
`{"text": …}` to a Slack-compatible incoming webhook. Errors come back in words."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import requests

from ..config import smtp_server

SMTP_TIMEOUT = 15  # seconds for each step of the SMTP conversation
WEBHOOK_TIMEOUT = (5, 15)  # seconds to connect, seconds for the answer


class DeliveryFailed(Exception):
    """A channel did not take the message; the words say why (shown in Settings)."""


def send_email(config: Mapping[str, Any], recipients: list[str], subject: str, body: str) -> None:
    server = smtp_server(config["SMTP_URL"])
    message = EmailMessage()
    message["Subject"], message["From"] = subject, config["MAIL_FROM"]
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="b2b-dashboard")
    message.set_content(body)
    where = f"{server.host}:{server.port}"
    try:
        with _connect(server) as smtp:
            if server.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if server.username:
                smtp.login(server.username, server.password or "")
            smtp.send_message(message)
    except smtplib.SMTPResponseException as error:
        reply = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        raise DeliveryFailed(
            f"the mail server {where} answered {error.smtp_code}: {reply}"
        ) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(
            f"could not send through the mail server {where}: {_words(error)}"
        ) from error


def _connect(server) -> smtplib.SMTP:
    if server.security == "tls":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT, context=context)
    return smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)


def send_chat(url: str, text: str) -> None:
    try:
        response = requests.post(url, json={"text": text}, timeout=WEBHOOK_TIMEOUT)
    except requests.RequestException as error:
        raise DeliveryFailed(f"could not reach the webhook: {_words(error)}") from error
    if not 200 <= response.status_code < 300:
        answer = " ".join(response.text.split())[:200]
        raise DeliveryFailed(f"the webhook answered {response.status_code}: {answer or '(empty)'}")


def _words(error: Exception) -> str:
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.timeout | TimeoutError | requests.Timeout):
        return "no answer in time"
    if isinstance(error, requests.ConnectionError):
        return "connection failed (refused, or the host is unknown)"
    return str(error) or type(error).__name__
