"""Sending e-mail: through SMTP, into a folder of .eml files (development) or to the console."""
from __future__ import annotations

import smtplib
import sys
import time
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app


class MailError(RuntimeError):
    """The message could not be handed over; it stays pending and is tried again later."""


def mail_domain() -> str:
    """The domain of MAIL_FROM's address, for Message-IDs."""
    address = parseaddr(current_app.config["MAIL_FROM"])[1]
    return address.rpartition("@")[2] or "boelge.local"


def build_message(recipient: str, subject: str, body: str, html: str | None = None,
                  message_id: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = message_id or make_msgid(domain=mail_domain())
    message.set_content(body)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def send(message: EmailMessage, deadline: float | None = None) -> None:
    """Hand one message over to the configured backend; raises MailError when that fails.

    With a `deadline` (a `time.monotonic()` value: when the sender's claim on the message ends), the
    message is handed over before it or not at all: the SMTP conversation is broken off, before the end
    of the message's data is sent, once the deadline would pass while waiting for the server.
    """
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message, deadline)
        return
    if deadline is not None and time.monotonic() >= deadline:
        raise MailError("the claim on this message ended before it was handed over")
    if backend == "folder":
        _send_folder(message, Path(current_app.config["MAIL_FOLDER"]))
    elif backend == "console":
        sys.stdout.write(message.as_string() + "\n")
    else:
        raise MailError(f"unknown MAIL_BACKEND {backend!r}")


class _DeadlineSMTP(smtplib.SMTP):
    """An SMTP client that never waits past a deadline: each command, the message's data and each reply
    get at most the time left, and nothing more is sent once it has passed."""

    def __init__(self, host: str, port: int, timeout: float, deadline: float | None) -> None:
        self.deadline = deadline
        super().__init__(host, port, timeout=timeout)

    def _time_left(self) -> float:
        if self.deadline is None:
            return self.timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise smtplib.SMTPException("the claim on this message ended before it was handed over")
        return min(self.timeout, left)

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(host, port, self._time_left())

    def send(self, s) -> None:
        if self.sock is not None:
            self.sock.settimeout(self._time_left())
        super().send(s)

    def getreply(self):
        if self.sock is not None:
            self.sock.settimeout(self._time_left())
        return super().getreply()


def _send_smtp(message: EmailMessage, deadline: float | None) -> None:
    cfg = current_app.config
    try:
        smtp = _DeadlineSMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], cfg["SMTP_TIMEOUT"], deadline)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"SMTP {cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}: {exc}") from exc
    try:
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls()
        if cfg.get("SMTP_USERNAME"):
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
        smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()
        raise MailError(f"SMTP {cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}: {exc}") from exc
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):  # the server has the message: how the goodbye went changes nothing
        smtp.close()


def _send_folder(message: EmailMessage, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    (folder / f"{name}.eml").write_bytes(bytes(message))
