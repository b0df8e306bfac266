"""An SMTP server for tests that can hold a message before accepting it (to kill a sender mid-batch)."""
from __future__ import annotations

import asyncio
import email
import threading
import time

from aiosmtpd.controller import Controller

from tests.support.smtp import free_port


class _GateHandler:
    def __init__(self, server: "GatedSMTPServer") -> None:
        self.server = server

    async def handle_RCPT(self, _server, _session, envelope, address, _options):
        with self.server.lock:
            number = self.server.started = self.server.started + 1
        if self.server.hold_from is not None and number >= self.server.hold_from:
            self.server.holding.set()
            while not self.server.released.is_set():
                await asyncio.sleep(0.02)
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        with self.server.lock:
            self.server.messages.append(email.message_from_bytes(envelope.content))
            self.server.recipients_seen.extend(envelope.rcpt_tos)
        return "250 OK"


class GatedSMTPServer:
    """Accepts mail like a normal server; from message `hold_from` on it waits until released."""

    def __init__(self, hold_from: int | None = None, delay: float = 0.0) -> None:
        self.port = free_port()
        self.hold_from, self.delay = hold_from, delay
        self.messages: list = []
        self.recipients_seen: list[str] = []
        self.started = 0
        self.lock = threading.Lock()
        self.holding, self.released = threading.Event(), threading.Event()
        self._controller = Controller(_GateHandler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "GatedSMTPServer":
        self._controller.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.released.set()
        time.sleep(0.05)
        self._controller.stop()

    def env(self) -> dict[str, str]:
        return {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port)}
