"""Sending e-mail: through SMTP, into a folder of .eml files (development) or to the console."""
from __future__ import annotations

import smtplib
import sys
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


def send(message: EmailMessage) -> None:
    """Hand one message over to the configured backend; raises MailError when that fails."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "smtp":
        _send_smtp(message)
    elif backend == "folder":
        _send_folder(message, Path(current_app.config["MAIL_FOLDER"]))
    elif backend == "console":
        sys.stdout.write(message.as_string() + "\n")
    else:
        raise MailError(f"unknown MAIL_BACKEND {backend!r}")


def _send_smtp(message: EmailMessage) -> None:
    cfg = current_app.config
    try:
        with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"]) as smtp:
            if cfg["SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg.get("SMTP_USERNAME"):
                smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"SMTP {cfg['SMTP_HOST']}:{cfg['SMTP_PORT']}: {exc}") from exc


def _send_folder(message: EmailMessage, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
    (folder / f"{name}.eml").write_bytes(bytes(message))
